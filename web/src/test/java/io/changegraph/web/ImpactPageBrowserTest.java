package io.changegraph.web;

import static io.changegraph.web.TestGraphs.CONF;
import static io.changegraph.web.TestGraphs.DEPLOY;
import static io.changegraph.web.TestGraphs.MANDB;
import static io.changegraph.web.TestGraphs.MKTEMP;
import static io.changegraph.web.TestGraphs.MYAPP_BIN;
import static io.changegraph.web.TestGraphs.POSTINST;
import static io.changegraph.web.TestGraphs.SED;
import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The impact-first pages in a real headless Chromium: What changed and focusing its items, folded groups that
 * expand, "show everything", search that moves the view (and opens folded matches), whole labels on hover,
 * the logged-out state, and the diff's list of differences with "differences only".
 */
@Tag("browser")
class ImpactPageBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String SETTLED = "return window.cgReady === true && !cy.animated()";

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

    private void open(WebConfig config, String page) {
        server = WebServer.start(config);
        browser.get("http://127.0.0.1:" + server.port() + page);
        browser.until("return window.cgReady === true", WAIT);
    }

    private void openDeploy() {
        TestGraphs.deploy("s-deploy", 300).write(dir.resolve("deploy.json"));
        open(WebConfig.loopback(List.of(dir)), "/graph.html?session=s-deploy");
    }

    private String changes() {
        return browser.driver().findElement(By.id("changes")).getText();
    }

    private WebElement item(String text) {
        return browser.driver().findElements(By.cssSelector("#changes li.item")).stream()
                .filter(li -> li.getText().contains(text)).findFirst().orElseThrow();
    }

    /** The rendered bounding box of the focused elements, and the canvas size. */
    private Map<String, Object> focusedBox() {
        return browser.map("var bb = cy.elements('.focus').renderedBoundingBox({includeLabels: false});"
                + "return {x1: bb.x1, x2: bb.x2, y1: bb.y1, y2: bb.y2, w: cy.width(), h: cy.height(), zoom: cy.zoom(),"
                + " n: cy.elements('.focus').length};");
    }

    private static double num(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    @Test
    void session_opensOnWhatChanged_andAnItemFocusesItsPartOfTheGraph() {
        openDeploy();

        String changes = changes();
        assertThat(changes).startsWith("What changed").contains("ended, 1 process left running")
                .contains("PACKAGES").contains("installed package myapp").contains("1.0-1: 1 file; triggers: man-db")
                .contains("LEFT RUNNING").contains("FILES (2)").contains("modified /etc/myapp/myapp.conf")
                .contains("created /usr/bin/myapp").contains("REMOTES (1)").contains("connected to 127.0.0.1:18080")
                .contains("Folded as noise: package-manager subtrees 302 · runtime loading 4")
                .contains("groups hold the rest");
        assertThat(changes.indexOf("installed package")).as("behaviours before file effects")
                .isLessThan(changes.indexOf("modified /etc/myapp"));
        browser.screenshot("impact-what-changed");
        browser.js("cy.zoom(0.3); cy.pan({x: -2000, y: -2000});");  // look elsewhere first

        item("modified /etc/myapp/myapp.conf").click();
        browser.until(SETTLED + " && window.cgFocused && window.cgFocused.length > 0", WAIT);

        assertThat(browser.js("return window.cgFocused")).isEqualTo(List.of(SED.id() + "->" + CONF.id()));
        Map<String, Object> box = focusedBox();
        assertThat(num(box, "x1")).as("in view").isGreaterThanOrEqualTo(0);
        assertThat(num(box, "x2")).isLessThanOrEqualTo(num(box, "w"));
        assertThat(num(box, "y1")).isGreaterThanOrEqualTo(0);
        assertThat(num(box, "y2")).isLessThanOrEqualTo(num(box, "h"));
        assertThat(Math.abs((num(box, "x1") + num(box, "x2")) / 2 - num(box, "w") / 2)).as("centred")
                .isLessThan(num(box, "w") / 4);
        assertThat(num(box, "zoom")).as("zoomed in to it").isGreaterThan(0.6);
        assertThat(browser.driver().findElement(By.cssSelector("#changes li.focused")).getText())
                .contains("/etc/myapp/myapp.conf");
        browser.screenshot("impact-focused");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void foldedGroups_areLabelled_expandOnClick_andShowEverythingDrawsTheFullGraph() {
        openDeploy();

        assertThat(browser.js("return cy.nodes('[kind=\"group\"]').map(n => n.data('label')).sort().join('|')"))
                .asString().contains("dpkg triggers: man-db, mandb, 300 files")
                .contains("other commands: mktemp, sleep (2 processes, 1 file)");
        assertThat(browser.js("return cy.getElementById(arguments[0]).length", POSTINST.id())).isEqualTo(0L);

        browser.js("cy.getElementById(arguments[0]).emit('tap')", "g:tree:" + POSTINST.id());  // opens on click
        browser.until("return cy.getElementById('" + POSTINST.id() + "').length === 1", WAIT);
        browser.until("return document.getElementById('details').textContent.indexOf('Opened') === 0", WAIT);
        assertThat(browser.driver().findElement(By.id("details")).getText())
                .isEqualTo("Opened dpkg triggers: man-db, mandb, 300 files.");
        assertThat(browser.js("return cy.getElementById(arguments[0]).data('label')", "g:tree:" + MANDB.id()))
                .isEqualTo("package manager: mandb -pq (1 process, 300 files)");
        browser.until(SETTLED, WAIT);
        browser.screenshot("impact-group-expanded");

        browser.driver().findElement(By.id("everything")).click();
        browser.until("return cy.getElementById('" + MKTEMP.id() + "').length === 1", WAIT);
        assertThat(browser.driver().getCurrentUrl()).contains("view=full");
        assertThat(browser.driver().findElement(By.id("changes")).getText()).as("the summary stays")
                .contains("installed package myapp");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void search_movesTheViewToItsMatches_andEnterOpensTheGroupsHoldingOthers() {
        openDeploy();
        browser.js("cy.zoom(0.2); cy.pan({x: 3000, y: 3000});");
        WebElement search = browser.driver().findElement(By.id("search"));

        search.sendKeys("/usr/bin/myapp");
        browser.until(SETTLED + " && window.cgSearched && window.cgSearched.text === '/usr/bin/myapp'", WAIT);
        assertThat(browser.js("return window.cgSearched.hits")).isEqualTo(List.of(MYAPP_BIN.id()));
        Map<String, Object> at = browser.map("var p = cy.getElementById(arguments[0]).renderedPosition();"
                + "return {x: p.x, y: p.y, w: cy.width(), h: cy.height()};", MYAPP_BIN.id());
        assertThat(num(at, "x")).as("moved to the match").isBetween(0.0, num(at, "w"));
        assertThat(num(at, "y")).isBetween(0.0, num(at, "h"));
        assertThat(browser.driver().findElement(By.id("search-status")).getText()).isEqualTo("1 matches: 1 drawn");

        search.clear();
        search.sendKeys("page12");
        browser.until(SETTLED + " && window.cgSearched && window.cgSearched.text === 'page12'", WAIT);
        assertThat(browser.js("return window.cgSearched.groups")).isEqualTo(List.of("g:tree:" + POSTINST.id()));
        assertThat(browser.js("return cy.getElementById(arguments[0]).hasClass('match')", "g:tree:" + POSTINST.id()))
                .isEqualTo(true);
        assertThat(browser.driver().findElement(By.id("search-status")).getText())
                .isEqualTo("11 matches: 0 drawn, others in 1 folded groups (Enter opens them)");
        browser.screenshot("impact-search-folded");

        search.sendKeys(Keys.ENTER);
        browser.until("return window.cgSearched && window.cgSearched.groups.length === 1"
                + " && window.cgSearched.groups[0] === 'g:tree:" + MANDB.id() + "'", WAIT);
        assertThat(browser.js("return cy.getElementById(arguments[0]).length", POSTINST.id())).isEqualTo(1L);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void labels_showWholePathsElidedInTheMiddle_andTheFullPathOnHover() {
        String longPath = "/usr/share/doc/myapp/examples/configuration/templates/production/myapp-deploy.log";
        FileNode log = TestGraphs.file(longPath);
        TestGraphs.deploy("s-labels", 3).node(log).edge(SED, Verb.WRITE, log, 1, 0)
                .write(dir.resolve("labels.json"));
        open(WebConfig.loopback(List.of(dir)), "/graph.html?session=s-labels&view=full");

        String label = (String) browser.js("return cy.getElementById(arguments[0]).data('label')", log.id());
        assertThat(label).startsWith("/usr/share/").endsWith("…/myapp-deploy.log").hasSizeLessThanOrEqualTo(36);
        browser.js("cy.zoom(1); cy.center(cy.getElementById(arguments[0]));", log.id());
        Map<String, Object> at = browser.map("var p = cy.getElementById(arguments[0]).renderedPosition();"
                + "return {x: p.x, y: p.y, w: cy.width(), h: cy.height()};", log.id());
        WebElement canvas = browser.driver().findElement(By.id("cy"));
        new Actions(browser.driver()).moveToElement(canvas, (int) (num(at, "x") - num(at, "w") / 2),
                (int) (num(at, "y") - num(at, "h") / 2)).perform();
        browser.until("return !document.getElementById('tip').hidden", WAIT);
        assertThat(browser.driver().findElement(By.id("tip")).getText()).isEqualTo(longPath);
        browser.screenshot("labels-hover");
    }

    @Test
    void loggedOutSession_withProcessesRunning_saysSoInsteadOfLive() {
        ProcessNode shell = new ProcessNode(100, 100_000, 1, "/usr/bin/bash", List.of("bash", "-l"), "/root", 1000, 1000,
                0, null, true, TestGraphs.T0, TestGraphs.T0.plusSeconds(5));
        ProcessNode daemon = new ProcessNode(200, 200_000, 100, "/usr/bin/python3", List.of("python3", "-m", "http.server"),
                "/root", 1000, 1000, null, null, true, TestGraphs.T0.plusSeconds(1), null);
        ProcessNode job = new ProcessNode(201, 201_000, 100, "/usr/bin/sleep", List.of("sleep", "600"),
                "/root", 1000, 1000, null, null, true, TestGraphs.T0.plusSeconds(2), null);
        new TestGraphs("s-away").live().node(shell).node(daemon).node(job)
                .edge(shell, Verb.SPAWN, daemon, 1, 0).edge(shell, Verb.SPAWN, job, 1, 0).write(dir.resolve("away.json"));
        open(WebConfig.loopback(List.of(dir)), "/graph.html?session=s-away");

        assertThat(browser.driver().findElement(By.id("live-badge")).isDisplayed()).isFalse();
        assertThat(browser.driver().findElement(By.id("state-badge")).getText()).isEqualTo("logged out, 2 processes still running");
        assertThat(changes()).contains("logged out, 2 processes still running");

        browser.get("http://127.0.0.1:" + server.port() + "/");
        browser.until("return window.cgSessionsReady === true", WAIT);
        assertThat(browser.driver().findElement(By.cssSelector("#sessions tbody tr td")).getText())
                .isEqualTo("logged out, 2 processes still running");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void alerts_nameTheirObject_inAColourApartFromTheDiffColours() {
        TestGraphs.recorded("s-alerted").write(dir.resolve("alerted.json"));
        open(WebConfig.loopback(List.of(dir)), "/graph.html?session=s-alerted");

        assertThat(browser.driver().findElement(By.id("alerts")).getText())
                .contains("critical shadow-touch: someone tried to delete /etc/shadow")
                .contains("unlink /etc/shadow by rm /etc/shadow [102]");
        browser.driver().findElement(By.cssSelector("#alerts li")).click();
        browser.until(SETTLED + " && window.cgFocused && window.cgFocused.length === 1", WAIT);
        assertThat(browser.js("return cy.getElementById(window.cgFocused[0]).data('alert')")).isEqualTo(true);
    }

    @Test
    void diff_listsItsDifferencesBesideTheGraph_focusesThem_andHasDifferencesOnly() {
        TestGraphs canary = TestGraphs.recorded("s-canary");
        ProcessNode sed = TestGraphs.process(101, 100, "/usr/bin/sed", "sed", "-i", "s/a/b/", "/etc/app.conf");
        FileNode backdoor = TestGraphs.file("/etc/cron.d/backdoor");
        canary.node(backdoor).edge(sed, Verb.WRITE, backdoor, 1, 0).write(dir.resolve("canary.json"));
        TestGraphs production = TestGraphs.recorded("s-production");
        FileNode log = TestGraphs.file("/var/log/app.log");
        production.node(log).edge(sed, Verb.WRITE, log, 1, 0).write(dir.resolve("production.json"));
        server = WebServer.start(new WebConfig("127.0.0.1", 0, null, List.of(), Optional.of(
                new WebConfig.DiffPair(dir.resolve("canary.json"), dir.resolve("production.json")))));
        browser.get("http://127.0.0.1:" + server.port() + server.startPage());
        browser.until("return window.cgReady === true", WAIT);

        String list = changes();
        assertThat(list).startsWith("What differs (1)").contains("canary also changed cron /etc/cron.d/backdoor")
                .contains("DETAILS (2)")
                .contains("only in canary sed -i s/a/b/ /etc/app.conf: write /etc/cron.d/backdoor")
                .contains("only in production sed -i s/a/b/ /etc/app.conf: write /var/log/app.log");
        assertThat(browser.js("return cy.nodes().length")).as("differences only: sed, both files, bash above")
                .isEqualTo(4L);
        assertThat(browser.js("return cy.nodes('[status=\"only_production\"]').first().style('background-color')"
                + ".replace(/\\s/g, '')")).as("production-only is blue, not alert red").isEqualTo("rgb(31,119,180)");

        browser.driver().findElements(By.cssSelector("#changes ul.differences li.item")).stream()
                .filter(li -> li.getText().contains("/etc/cron.d/backdoor")).findFirst().orElseThrow().click();
        browser.until(SETTLED + " && window.cgFocused && window.cgFocused.length === 1", WAIT);
        assertThat(browser.js("return cy.getElementById(window.cgFocused[0]).target().data('raw').path"))
                .isEqualTo("/etc/cron.d/backdoor");
        browser.screenshot("diff-list");
        item("canary also changed cron").click();
        browser.until(SETTLED + " && window.cgFocused && window.cgFocused.length === 2", WAIT);
        assertThat(browser.js("return window.cgFocused.map(id => cy.getElementById(id).data('raw').path"
                + " || cy.getElementById(id).target().data('raw').path)")).isEqualTo(List.of("/etc/cron.d/backdoor",
                "/etc/cron.d/backdoor"));

        browser.driver().findElement(By.id("differences-only")).click();
        browser.until("return cy.nodes().length === 9", WAIT);
        assertThat(browser.js("return cy.edges('[?alert]').first().style('line-color').replace(/\\s/g, '')"))
                .isEqualTo("rgb(214,39,40)");
        assertThat(changes()).as("the list stays").contains("DETAILS (2)");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void impactView_ofTheDeploy_isSmallerThanTheGraph() {
        openDeploy();
        assertThat((Long) browser.js("return cy.nodes().length")).isLessThan(20L);
        assertThat(browser.js("return cy.getElementById(arguments[0]).length", DEPLOY.id())).isEqualTo(1L);
    }
}
