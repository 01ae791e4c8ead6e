package io.changegraph.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The fleet viewer served by a real hub on a real PostgreSQL, in the system's headless Chromium (chromedriver;
 * scripts/install-browser.sh): the host filter of the fleet list, a host's page, the fleet diff page and a session
 * opened from the hub in the same viewer as {@code serve}. Four hosts push the recorded deploy fixtures; web-2
 * deviates. Screenshots land in target/screenshots. Fails (never skips) where the browser is missing.
 */
class FleetViewerBrowserIT {
    static final String TOKEN = "fleet-viewer-it-token-0123456789";
    static final List<String> HOSTS = List.of("canary-1", "web-1", "web-2", "web-3");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;
    static PostgresCluster postgres;
    static Hub hub;
    static ChromeDriver driver;
    static Path profile;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Assertions.assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver")),
                "no browser: run scripts/install-browser.sh");
        postgres = PostgresCluster.start();
        FleetCerts certs = FleetCerts.make(tmp.resolve("certs"), HOSTS.toArray(String[]::new));
        hub = Hub.start(new HubConfig("127.0.0.1", 0, postgres.url(), postgres.password(), certs.hubCert(), certs.hubKey(),
                certs.ca(), TOKEN, null));
        base = "https://127.0.0.1:" + hub.port();
        for (String host : HOSTS) {
            IngestClient client = new IngestClient(URI.create(base), certs.cert(host), certs.key(host), certs.ca());
            IngestClient.Answer answer = client.post(batch(host));
            assertThat(answer.status()).as("ingest of " + host + ": " + answer.body()).isEqualTo(200);
        }
        profile = Files.createTempDirectory("changegraph-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--window-size=1400,900", "--user-data-dir=" + profile);
        options.setAcceptInsecureCerts(true);   // the hub's certificate is signed by the test's own fleet CA
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build(), options);
        driver.get(base + "/fleet.html?token=" + TOKEN);   // sets the session cookie, as a user's first visit
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (hub != null) {
            hub.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** The host's fixture session as its agent pushes it once ended: record, summary and the graph. */
    static String batch(String host) throws IOException {
        var fixture = JsonMappers.SORTED.readTree(FleetViewerBrowserIT.class.getResourceAsStream("/fleet/" + host + ".json"));
        FleetRun run = FleetFixtures.run(host);
        SessionRecord record = new SessionRecord(run.id(), host, "root", 0, 4242, 1000L, "", "", run.command(), run.started(),
                run.ended(), SessionRecord.State.ENDED, new io.changegraph.repository.model.Stats(0, 0, 0), 0);
        GraphDocument graph = new GraphDocument(new Session(run.id(), host, "root", 4242, run.command(), run.started(), run.ended()),
                new Stats(0, 0, 0), List.of(), List.of(), List.of(), run.summary());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session", SessionStore.toMap(record));
        body.put("first_seq", 0);
        body.put("events", List.of());
        body.put("summary", fixture.get("summary"));
        body.put("graph", JsonMappers.SORTED.readTree(GraphJson.toJson(graph)));
        return JsonMappers.SORTED.writeValueAsString(body);
    }

    @Test
    void fleetList_hostFilter_showsOnlyThatHostsSessions() throws IOException {
        driver.get(base + "/fleet.html");
        until("return document.querySelectorAll('#sessions tbody tr').length === 4");

        driver.findElement(By.id("host-filter")).sendKeys("web-2");
        until("return [...document.querySelectorAll('#sessions tbody tr')].map(r => r.dataset.host).join() === 'web-2'");
        assertThat(driver.getCurrentUrl()).endsWith("/fleet.html?host=web-2");
        screenshot("fleet-host-filter");

        driver.findElement(By.id("host-filter")).clear();
        driver.findElement(By.id("host-filter")).sendKeys("web-*");
        until("return [...document.querySelectorAll('#sessions tbody tr')].map(r => r.dataset.host).sort().join() === 'web-1,web-2,web-3'");
        screenshot("fleet-host-glob");
    }

    @Test
    void startPage_leadsToTheFleetList() {
        driver.get(base + "/");
        until("return location.pathname === '/fleet.html' && document.querySelectorAll('#sessions tbody tr').length === 4");
    }

    @Test
    void hostPage_listsOneHost_andItsLinkOpensTheSessionViewer() throws IOException {
        driver.get(base + "/fleet.html?host=canary-1");
        until("return [...document.querySelectorAll('#sessions tbody tr')].map(r => r.dataset.host).join() === 'canary-1'");
        assertThat(driver.findElement(By.id("subtitle")).getText()).isEqualTo("host canary-1");

        driver.findElement(By.cssSelector("#sessions tbody tr td:nth-child(2) a")).click();
        until("return location.pathname === '/graph.html' && document.body.innerText.includes('myapp')");
        screenshot("fleet-session-viewer");
    }

    @Test
    void fleetDiffPage_ranksThePlantedHostFirst_andShowsItsDeviations() throws IOException {
        driver.get(base + "/fleet-diff.html?canary=" + "canary-1/" + FleetFixtures.run("canary-1").id() + "&production=web-*");
        until("return document.querySelectorAll('#hosts tbody tr').length === 3");
        assertThat(driver.findElement(By.cssSelector("#hosts tbody tr")).getAttribute("data-host")).isEqualTo("web-2");
        until("return document.getElementById('detail-list').innerText.includes('web-2 also connected to 203.0.113.7:443')");
        screenshot("fleet-diff");

        driver.findElement(By.cssSelector("#hosts tbody tr[data-host='web-1'] td:nth-child(2) a")).click();
        until("return document.getElementById('detail-title').innerText.startsWith('web-1: 1 deviation')");
    }

    static void until(String script) {
        new WebDriverWait(driver, WAIT).pollingEvery(Duration.ofMillis(100))
                .until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(script)));
    }

    static void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
}
