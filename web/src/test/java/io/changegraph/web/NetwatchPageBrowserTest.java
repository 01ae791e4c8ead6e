package io.changegraph.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The netwatch page in headless Chromium: destinations worst first, their totals and a bar chart each. */
@Tag("browser")
class NetwatchPageBrowserTest {
    @TempDir
    Path dir;

    private WebServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void netwatchPage_listsDestinationsWorstFirst_withNamesContainersTotalsAndBarsOverTime() throws Exception {
        String container = "0123456789abcdef".repeat(4);
        Path graphs = Files.createDirectories(dir.resolve("store/graphs"));
        Files.write(dir.resolve("store/netwatch.jsonl"), NetwatchApiTest.hourOfLines(container));
        server = WebServer.start(WebConfig.loopback(List.of(graphs)));
        String base = "http://127.0.0.1:" + server.port();
        try (Browser browser = Browser.open()) {
            browser.get(base + "/");
            browser.until("return !document.getElementById('netwatch-link').hidden", Duration.ofSeconds(10));

            browser.get(base + "/netwatch.html");
            browser.until("return window.cgNetwatchReady === true", Duration.ofSeconds(10));
            Path png = browser.screenshot("netwatch");

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = (List<Map<String, Object>>) browser.js("""
                    return Array.from(document.querySelectorAll('#destinations tbody tr')).map(function (tr) {
                      const cells = tr.querySelectorAll('td');
                      return {destination: cells[0].textContent, name: cells[1].textContent,
                        where: cells[3].textContent, refused: cells[5].textContent,
                        bars: tr.querySelectorAll('svg.series rect').length,
                        refusedBars: tr.querySelectorAll('svg.series rect[data-kind="refused"]').length,
                        colour: (tr.querySelector('svg.series rect[data-kind="refused"]') || {getAttribute: function () { return null; }}).getAttribute('fill'),
                        tip: (tr.querySelector('svg.series title') || {textContent: ''}).textContent};
                    });""");
            assertThat(rows).extracting(r -> r.get("destination")).containsExactly("10.1.2.3:443", "10.1.2.4:5432");
            Map<String, Object> api = rows.get(0);
            assertThat(api.get("name")).isEqualTo("api.internal");
            assertThat(api.get("where")).as("the container's short id").isEqualTo("0123456789ab");
            assertThat(api.get("refused")).isEqualTo("40");
            assertThat((Long) api.get("refusedBars")).as("one bar per minute with refusals").isEqualTo(20);
            assertThat(api.get("colour")).isEqualTo("#d62728");
            assertThat((String) api.get("tip")).contains("refused 2", "timed out 1", "SYN retransmits 3");
            assertThat((Long) rows.get(1).get("bars")).as("resets and retransmits every 10 minutes").isEqualTo(12);
            assertThat(browser.js("return document.getElementById('range').textContent").toString())
                    .contains("netwatch.jsonl", "60 intervals");

            browser.js("const f = document.getElementById('filter'); f.value = 'db.internal';"
                    + " f.dispatchEvent(new Event('input'));");
            assertThat(browser.js("return document.querySelectorAll('#destinations tbody tr').length")).isEqualTo(1L);
            assertThat(browser.consoleErrors()).isEmpty();
            assertThat(png).exists();
        }
    }
}
