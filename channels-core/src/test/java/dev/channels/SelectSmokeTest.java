package dev.channels;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class SelectSmokeTest {
    @Test
    void readyAndWaitingAndClosed() throws Exception {
        var a = Mpsc.<Integer>bounded(4);
        var b = Mpsc.<Integer>bounded(4);
        Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .recv(b.receiver(), v -> "b" + v)
                .ifAllClosed(() -> null)
                .build();
        a.sender().send(1);
        assertEquals("a1", s.select());
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(50);
                b.sender().send(2);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        t.start();
        assertEquals("b2", s.select());
        t.join();
        a.sender().close();
        b.sender().close();
        assertNull(s.select());
    }

    @Test
    void sendClauseWaitsForCapacity() throws Exception {
        var a = Mpsc.<Integer>bounded(1);
        a.sender().send(0);
        var ctl = Mpsc.<String>bounded(1);
        Select<String> s = Select.<String>builder()
                .send(a.sender(), () -> 7, v -> "sent" + v)
                .recv(ctl.receiver(), v -> v)
                .build();
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(50);
                assertEquals(0, a.receiver().recv());
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        t.start();
        assertEquals("sent7", s.select());
        t.join();
        assertEquals(7, a.receiver().tryRecv());
    }

    @Test
    void asyncAndTimeout() throws Exception {
        var a = Mpsc.<Integer>bounded(4);
        var w = Watch.channel("x");
        var wr = w.receiver();
        Select<String> s = Select.<String>builder()
                .recv(a.receiver(), v -> "a" + v)
                .changed(wr, v -> "w" + v)
                .timeout(Duration.ofMillis(100), () -> "timeout")
                .build();
        assertEquals("timeout", s.select());
        CompletableFuture<String> f = s.selectAsync().toCompletableFuture();
        w.sender().send("y");
        assertEquals("wy", f.get(5, TimeUnit.SECONDS));
        assertEquals("timeout", s.selectAsync().toCompletableFuture().get(5, TimeUnit.SECONDS));
        CompletableFuture<String> g = s.selectAsync().toCompletableFuture();
        assertTrue(g.cancel(false));
        a.sender().send(5);
        assertEquals("a5", s.select());
    }
}
