package io.changegraph.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** The pages in a real headless Chromium: colours, the attribute panel, live growth, fan-out, diff. */
@Tag("browser")
class GraphPageBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ORANGE = "rgb(242,142,43)";
    private static final String PURPLE = "rgb(148,103,189)";
    private static final String BLUE = "rgb(31,119,180)";
    private static final String RED = "rgb(214,39,40)";

    private static Browser browser;

    @TempDir
    Path dir;
    private WebServer server;

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

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String serve(WebConfig config, String page) {
        server = WebServer.start(config);
        return "http://127.0.0.1:" + server.port() + page;
    }

    private void openGraph(String url) {
        browser.get(url);
        browser.until("return window.cgReady === true", WAIT);
    }

    private String colour(String selector, String property) {
        return String.valueOf(browser.js("var c = cy.elements(arguments[0]);"
                + "return c.length ? c.first().style(arguments[1]).replace(/\\s/g, '') : 'none';", selector, property));
    }

    @Test
    void recordedSession_drawsKindsInTheirColours_namesRemotes_andPanelShowsClickedFilesPath() {
        TestGraphs.recorded("s-recorded").write(dir.resolve("recorded.json"));
        openGraph(serve(WebConfig.loopback(List.of(dir)), "/graph.html?session=s-recorded&view=full"));

        assertThat(browser.js("return cy.nodes().length")).isEqualTo(7L);
        assertThat(browser.js("return cy.edges().length")).as("8 edges; sed's read+write and curl's connect+send drawn as one each").isEqualTo(6L);
        browser.screenshot("graph-recorded-overview");
        assertThat(colour("node[kind=\"process\"]", "background-color")).isEqualTo(ORANGE);
        assertThat(colour("node[kind=\"file\"]", "background-color")).isEqualTo(PURPLE);
        assertThat(colour("node[kind=\"remote\"]", "background-color")).isEqualTo(BLUE);
        assertThat(colour("edge[verb=\"unlink\"]", "line-color")).as("alerted edge").isEqualTo(RED);
        assertThat(colour("edge[verb=\"unlink\"]", "line-style")).as("failed attempt").isEqualTo("dashed");
        assertThat(colour("edge[verb=\"read\"]", "line-style")).isEqualTo("solid");
        assertThat(browser.js("return cy.edges('[verb=\"read\"]').first().style('label')")).as("one edge per pair")
                .isEqualTo("read ×3, write ×2");
        assertThat(browser.js("return cy.nodes('[kind=\"remote\"]').first().data('label')")).as("names on remotes")
                .isEqualTo("10.1.2.3:443 (api.internal +1)");

        clickNode(TestGraphs.file("/etc/app.conf").id());

        String panel = browser.driver().findElement(By.id("details")).getText();
        assertThat(panel).contains("/etc/app.conf").contains("inode").contains("4242");
        assertThat(browser.driver().findElement(By.id("alerts")).getText())
                .contains("someone tried to delete /etc/shadow");
        browser.screenshot("graph-recorded");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    /** A real mouse click at the node's rendered position inside the canvas. */
    private void clickNode(String id) {
        browser.js("cy.zoom(1); cy.center(cy.getElementById(arguments[0]));", id);
        Map<String, Object> at = browser.map("var p = cy.getElementById(arguments[0]).renderedPosition();"
                + "return {x: p.x, y: p.y, w: cy.width(), h: cy.height()};", id);
        WebElement canvas = browser.driver().findElement(By.id("cy"));
        int dx = (int) Math.round(((Number) at.get("x")).doubleValue() - ((Number) at.get("w")).doubleValue() / 2);
        int dy = (int) Math.round(((Number) at.get("y")).doubleValue() - ((Number) at.get("h")).doubleValue() / 2);
        new Actions(browser.driver()).moveToElement(canvas, dx, dy).click().perform();
    }

    @Test
    void export_savesThePngAndTheJsonTheApiServes() throws Exception {
        TestGraphs recorded = TestGraphs.recorded("s-export");
        recorded.write(dir.resolve("export.json"));
        openGraph(serve(WebConfig.loopback(List.of(dir)), "/graph.html?session=s-export"));

        browser.driver().findElement(By.id("export-png")).click();
        browser.driver().findElement(By.id("export-json")).click();

        Path png = browser.downloads().resolve("s-export.png");
        Path json = browser.downloads().resolve("s-export.json");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while ((!Files.exists(png) || !Files.exists(json)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        byte[] image = Files.readAllBytes(png);
        assertThat(image).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(image.length).isGreaterThan(2_000);
        assertThat(GraphJson.read(json)).isEqualTo(recorded.build());
    }

    @Test
    void liveSession_growsOnThePageWithoutReload() throws Exception {
        Path live = dir.resolve("live.json");
        TestGraphs.recorded("s-live").live().write(live);
        openGraph(serve(WebConfig.loopback(List.of(dir)), "/graph.html?session=s-live&view=full"));
        browser.js("window.cgMarker = 'same page'");
        assertThat(browser.driver().findElement(By.id("live-badge")).isDisplayed()).isTrue();
        long before = (Long) browser.js("return cy.nodes().length");

        TestGraphs grown = TestGraphs.recorded("s-live").live();
        ProcessNode sed = TestGraphs.process(101, 100, "/usr/bin/sed", "sed", "-i", "s/a/b/", "/etc/app.conf");
        for (int i = 0; i < 3; i++) {
            FileNode file = TestGraphs.file("/var/log/new-" + i + ".log");
            grown.node(file).edge(sed, Verb.CREATE, file, 1, 0);
        }
        grown.write(live);

        browser.until("return cy.nodes().length === " + (before + 3), WAIT);
        assertThat(browser.js("return window.cgMarker")).as("not reloaded").isEqualTo("same page");
        assertThat(browser.js("return cy.nodes('[kind=\"file\"]').filter(n => n.data('raw').path === '/var/log/new-2.log').length"))
                .isEqualTo(1L);
        browser.screenshot("graph-live-grown");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void highFanOut_isGroupedPerDirectory_andExpandsOnRequest() {
        ProcessNode find = TestGraphs.process(300, 1, "/usr/bin/find", "find", "/usr");
        TestGraphs graph = new TestGraphs("s-fanout").node(find);
        for (int i = 0; i < 120; i++) {
            FileNode file = TestGraphs.file((i < 80 ? "/usr/lib/" : "/usr/share/doc/") + "f" + i);
            graph.node(file).edge(find, Verb.READ, file, 1, 0);
        }
        graph.write(dir.resolve("fanout.json"));
        openGraph(serve(WebConfig.loopback(List.of(dir)), "/graph.html?session=s-fanout&view=full"));

        assertThat(browser.js("return cy.nodes('[kind=\"group\"]').map(n => n.data('label')).sort().join('|')"))
                .isEqualTo("/usr/lib/ (80 files)|/usr/share/doc/ (40 files)");
        assertThat(browser.js("return cy.nodes().length")).isEqualTo(3L);

        browser.js("cy.nodes('[kind=\"group\"]').filter(n => n.data('raw').dir === '/usr/share/doc').emit('tap')");
        browser.driver().findElement(By.id("expand-group")).click();
        browser.until("return cy.nodes().length === 42", WAIT);
        browser.screenshot("graph-fanout-expanded");
    }

    @Test
    void diff_colorsOnlyCanaryGreen_onlyProductionBlue_sameGrey() {
        TestGraphs canary = TestGraphs.recorded("s-canary");
        ProcessNode sed = TestGraphs.process(101, 100, "/usr/bin/sed", "sed", "-i", "s/a/b/", "/etc/app.conf");
        FileNode backdoor = TestGraphs.file("/etc/cron.d/backdoor");
        canary.node(backdoor).edge(sed, Verb.WRITE, backdoor, 1, 0).write(dir.resolve("canary.json"));
        TestGraphs production = TestGraphs.recorded("s-production");
        FileNode log = TestGraphs.file("/var/log/app.log");
        production.node(log).edge(sed, Verb.WRITE, log, 1, 0).write(dir.resolve("production.json"));
        WebConfig config = new WebConfig("127.0.0.1", 0, null, List.of(), Optional.of(
                new WebConfig.DiffPair(dir.resolve("canary.json"), dir.resolve("production.json"))));
        server = WebServer.start(config);
        openGraph("http://127.0.0.1:" + server.port() + server.startPage() + "&differences=all");

        assertThat(colour("node[status=\"only_canary\"]", "background-color")).isEqualTo("rgb(44,160,44)");
        assertThat(colour("node[status=\"only_production\"]", "background-color")).as("apart from alert red").isEqualTo(BLUE);
        assertThat(colour("node[status=\"same\"][kind=\"file\"]", "background-color")).isEqualTo("rgb(208,208,208)");
        assertThat(browser.js("return cy.nodes('[status=\"only_canary\"]').first().data('raw').path"))
                .isEqualTo("/etc/cron.d/backdoor");
        browser.js("cy.nodes('[status=\"only_canary\"]').first().emit('tap')");
        assertThat(browser.driver().findElement(By.id("details")).getText()).contains("only_canary")
                .contains("/etc/cron.d/backdoor");
        assertThat(browser.driver().findElement(By.id("alerts")).getText()).as("both runs' alert, once")
                .contains("Alerts (1)").contains("someone tried to delete /etc/shadow");
        assertThat(colour("edge[verb=\"unlink\"]", "line-color")).isEqualTo(RED);
        browser.screenshot("graph-diff");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void sessionsPage_listsSessions_marksLiveOnes_andFilters() throws Exception {
        TestGraphs.recorded("s-done").write(dir.resolve("done.json"));
        TestGraphs.recorded("s-running").live().write(dir.resolve("running.json"));
        browser.get(serve(WebConfig.loopback(List.of(dir)), "/"));
        browser.until("return window.cgSessionsReady === true", WAIT);

        List<WebElement> rows = browser.driver().findElements(By.cssSelector("#sessions tbody tr"));
        assertThat(rows).hasSize(2);
        assertThat(browser.driver().findElements(By.cssSelector("#sessions tbody tr.live"))).hasSize(1);
        assertThat(browser.driver().findElement(By.cssSelector("#sessions tbody tr.live")).getAttribute("data-id"))
                .isEqualTo("s-running");

        browser.driver().findElement(By.cssSelector("th[data-key=\"live\"]")).click();
        assertThat(browser.driver().findElement(By.cssSelector("#sessions tbody tr")).getAttribute("data-id"))
                .as("sorted by live, ascending: the finished one first").isEqualTo("s-done");
        browser.driver().findElement(By.id("filter")).sendKeys("s-run");
        assertThat(browser.driver().findElements(By.cssSelector("#sessions tbody tr"))).hasSize(1);
        browser.driver().findElement(By.id("filter")).clear();
        browser.driver().findElement(By.id("live-only")).click();
        assertThat(browser.driver().findElements(By.cssSelector("#sessions tbody tr"))).hasSize(1);
        browser.screenshot("sessions");
        assertThat(browser.consoleErrors()).isEmpty();
        assertThat(Files.exists(dir.resolve("done.json"))).isTrue();
        assertThat(GraphJson.read(dir.resolve("done.json")).session().id()).isEqualTo("s-done");
    }

    @Test
    void sessionsPage_ofAUser_showsWhoIsLoggedIn_andOnlyTheirSessions() throws Exception {
        Path root = dir.resolve("store");
        io.changegraph.repository.store.SessionStore store = new io.changegraph.repository.store.SessionStore(root).create();
        for (int uid : List.of(1001, 1002)) {
            String id = "s-" + uid;
            Files.createDirectories(store.directory(id));
            store.write(new io.changegraph.repository.store.SessionRecord(id, "web01", "u" + uid, uid, 100, 1, "",
                    "/dev/pts/3", List.of("bash", "-l"), TestGraphs.T0, null,
                    io.changegraph.repository.store.SessionRecord.State.LIVE, io.changegraph.repository.model.Stats.EMPTY, 0));
            TestGraphs.recorded(id).live().write(store.graph(id));
        }
        String token = "alice-token-0123456789";
        Path users = Files.writeString(dir.resolve("users.yaml"), "users:\n  - {name: alice, token_sha256: "
                + WebUsers.sha256Hex(token) + ", role: user, uid: 1001}\n");
        String url = serve(new WebConfig("127.0.0.1", 0, null, List.of(root.resolve("graphs")), java.util.Optional.empty(),
                WebUsers.read(users)), "/?token=" + token);
        try {
            browser.get(url);
            browser.until("return window.cgSessionsReady === true", WAIT);

            assertThat(browser.driver().getCurrentUrl()).as("token gone from the address").doesNotContain("token");
            List<WebElement> rows = browser.driver().findElements(By.cssSelector("#sessions tbody tr"));
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).getAttribute("data-id")).isEqualTo("s-1001");
            browser.until("return !document.getElementById('whoami').hidden", WAIT);
            assertThat(browser.driver().findElement(By.id("whoami")).getText())
                    .isEqualTo("logged in as alice (user, uid 1001)");
            browser.screenshot("sessions-user");
            assertThat(browser.consoleErrors()).isEmpty();
        } finally {
            browser.driver().manage().deleteAllCookies();
        }
    }
}
