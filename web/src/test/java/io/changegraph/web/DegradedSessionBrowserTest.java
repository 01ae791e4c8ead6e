package io.changegraph.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.model.Degradation;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.formats.GraphJson;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/** A session recorded while the recorder protected the host (stats.degradations): the viewer says so, never silent. */
@Tag("browser")
class DegradedSessionBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static Browser browser;

    @TempDir
    Path dir;

    @BeforeAll
    static void openBrowser() {
        browser = Browser.open();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void degradedSession_showsItsStepsOnWhatChanged_andInTheStatsLine() {
        GraphDocument plain = TestGraphs.deploy("s-degraded", 300).build();
        Instant start = plain.session().started().plusSeconds(2);
        GraphDocument degraded = new GraphDocument(plain.session(), plain.stats().withDegradations(List.of(
                Degradation.started(1, start, "cpu 9.0% >= 5.0% for 5 samples").endedAt(start.plusSeconds(40)))),
                plain.nodes(), plain.edges(), plain.alerts(), plain.summary());
        GraphJson.write(degraded, dir.resolve("degraded.json"));
        TestGraphs.deploy("s-plain", 300).write(dir.resolve("plain.json"));
        try (WebServer server = WebServer.start(WebConfig.loopback(List.of(dir)))) {
            browser.get("http://127.0.0.1:" + server.port() + "/graph.html?session=s-degraded");
            browser.until("return window.cgReady === true", WAIT);
            String banner = browser.driver().findElement(By.cssSelector("#changes .degraded-banner")).getText();
            assertThat(banner).startsWith("recorder self-protection: recorded less during step 1 (no per-call detail)")
                    .contains("cpu 9.0% >= 5.0% for 5 samples");
            assertThat(browser.driver().findElement(By.id("stats")).getText())
                    .contains("recorder self-protection: recorded less during step 1");

            browser.get("http://127.0.0.1:" + server.port() + "/graph.html?session=s-plain");
            browser.until("return window.cgReady === true", WAIT);
            assertThat(browser.driver().findElements(By.cssSelector("#changes .degraded-banner"))).isEmpty();
            assertThat(browser.driver().findElement(By.id("stats")).getText()).doesNotContain("self-protection");
        }
    }
}
