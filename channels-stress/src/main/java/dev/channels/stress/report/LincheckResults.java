package dev.channels.stress.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/** The model checks' results, read from Surefire's {@code TEST-*.xml} reports. */
record LincheckResults(List<Suite> suites) {

    /** One test class's counts. */
    record Suite(String name, int tests, int failures, int errors, int skipped, double seconds) {
    }

    static LincheckResults read(Path dir) throws IOException {
        List<Suite> suites = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
                suites.add(parse(f));
            }
        }
        return new LincheckResults(List.copyOf(suites));
    }

    private static Suite parse(Path file) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element suite = factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
            String name = suite.getAttribute("name");
            return new Suite(name.substring(name.lastIndexOf('.') + 1),
                    number(suite, "tests"), number(suite, "failures"), number(suite, "errors"),
                    number(suite, "skipped"), Double.parseDouble(suite.getAttribute("time").replace(",", "")));
        } catch (ParserConfigurationException | SAXException | NumberFormatException e) {
            throw new IOException("cannot read Surefire report " + file + ": " + e.getMessage(), e);
        }
    }

    private static int number(Element e, String attribute) {
        String v = e.getAttribute(attribute);
        return v.isEmpty() ? 0 : Integer.parseInt(v);
    }

    int tests() {
        return suites.stream().mapToInt(Suite::tests).sum();
    }

    int failures() {
        return suites.stream().mapToInt(s -> s.failures() + s.errors()).sum();
    }

    /** True when at least one model check ran and none failed or was skipped. */
    boolean passed() {
        return tests() > 0 && failures() == 0 && suites.stream().mapToInt(Suite::skipped).sum() == 0;
    }
}
