package dev.channels.stress.soak;

import java.util.Arrays;

/**
 * "These sequences are consistent with one total order": a directed graph over values numbered
 * 0..n-1, each edge {@code a -> b} saying that a comes before b (a sender's program order, a
 * receiver's order of observation, a known immediate predecessor). The sequences admit one total
 * order exactly when the graph has no cycle (Kahn's algorithm).
 */
final class OrderGraph {
    private final int n;
    private int[] from = new int[1024];
    private int[] to = new int[1024];
    private int edges;

    OrderGraph(int nodes) {
        this.n = nodes;
    }

    void edge(int a, int b) {
        if (a == b) {
            return;
        }
        if (edges == from.length) {
            from = Arrays.copyOf(from, edges * 2);
            to = Arrays.copyOf(to, edges * 2);
        }
        from[edges] = a;
        to[edges] = b;
        edges++;
    }

    int edges() {
        return edges;
    }

    /** -1 if acyclic; otherwise a node that lies on (or behind) a cycle. */
    int cycleNode() {
        final int[] indegree = new int[n];
        final int[] start = new int[n + 1];
        for (int e = 0; e < edges; e++) {
            indegree[to[e]]++;
            start[from[e] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            start[i + 1] += start[i];
        }
        final int[] adj = new int[edges];
        final int[] fill = Arrays.copyOf(start, n);
        for (int e = 0; e < edges; e++) {
            adj[fill[from[e]]++] = to[e];
        }
        final int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        for (int i = 0; i < n; i++) {
            if (indegree[i] == 0) {
                queue[tail++] = i;
            }
        }
        while (head < tail) {
            final int v = queue[head++];
            for (int k = start[v]; k < start[v + 1]; k++) {
                if (--indegree[adj[k]] == 0) {
                    queue[tail++] = adj[k];
                }
            }
        }
        if (tail == n) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            if (indegree[i] > 0) {
                return i;
            }
        }
        return -1;
    }
}
