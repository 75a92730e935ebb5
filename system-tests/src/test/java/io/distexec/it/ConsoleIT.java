package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.testing.LocalCluster;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console in a real browser: Debian's Chromium, headless, driven by Selenium through
 * Debian's chromium-driver, against the shared local cluster. Each test leaves a screenshot in
 * {@code target/console-screenshots}. The tests run in order: the drain comes last and restarts the
 * drained worker, so the cluster is as it was for the classes after this one.
 */
@ExtendWith(SharedCluster.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

  private static final Path SHOTS = Path.of("target/console-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static LocalCluster cluster;
  private static Rest rest;
  private static ChromeDriver browser;

  @BeforeAll
  static void openBrowser(LocalCluster shared) throws IOException {
    cluster = shared;
    rest = new Rest(cluster);
    Files.createDirectories(SHOTS);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(executable("chromium"));
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // CI runs as root, where Chromium's sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(executable("chromedriver")))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    signIn(cluster.adminToken());
  }

  /** Debian's binary: Selenium is not to download one (there is no internet in CI's tests). */
  private static String executable(String name) {
    for (String dir : List.of("/usr/bin", "/usr/lib/chromium")) {
      if (Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    throw new IllegalStateException(
        name + " is not installed: apt-get install chromium chromium-driver (.ci/run does)");
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @AfterEach
  void screenshot(TestInfo test) throws IOException {
    save(test.getTestMethod().orElseThrow().getName());
  }

  private static void save(String name) throws IOException {
    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(),
        SHOTS.resolve(name + ".png"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static void signIn(String token) {
    browser.get(cluster.masterUrl() + "/console/");
    WebElement field = waitFor(By.id("token"));
    field.sendKeys(token, Keys.ENTER);
    waitFor(By.cssSelector("#nav:not([hidden])"));
  }

  private static void signOut() {
    browser.findElement(By.id("sign-out")).click();
    waitFor(By.id("token"));
  }

  private static WebElement waitFor(By what) {
    return new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.visibilityOfElementLocated(what));
  }

  private static void waitForText(By what, String text) {
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.textToBePresentInElementLocated(what, text));
  }

  private static void open(String route) {
    browser.get(cluster.masterUrl() + "/console/#" + route);
  }

  @Test
  @Order(0)
  void theConsoleIsServedWithoutATokenAndMayRunOnlyItsOwnScript() throws Exception {
    Rest anonymous = new Rest(cluster.masterUrl());
    for (String file : List.of("/console/", "/console/console.js", "/console/console.css")) {
      Rest.Answer page = anonymous.get(file);
      assertThat(page.status()).as(file).isEqualTo(200);
      assertThat(page.raw().headers().firstValue("Content-Security-Policy"))
          .as(file)
          .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
    }
    // Its data is the API's: nothing without a token.
    assertThat(anonymous.get("/api/v1/overview").status()).isEqualTo(401);
  }

  @Test
  @Order(1)
  void aJobSubmittedThroughTheFormShowsItsOutputLiveOnItsPage() throws Exception {
    open("/submit");
    waitFor(By.id("s-command")).sendKeys("sh");
    // Lines stamped with the worker's clock when printed; the page notes when each appears.
    browser
        .findElement(By.id("s-args"))
        .sendKeys(
            "-c\nsleep 2; for i in $(seq 1 12); do echo t=$(date +%s%3N); sleep 0.25; done;"
                + " echo finished >&2");
    browser.findElement(By.id("submit")).click();
    new WebDriverWait(browser, WAIT).until(d -> d.getCurrentUrl().matches(".*#/jobs/[^/?]+$"));
    ((JavascriptExecutor) browser)
        .executeScript(
            "window.shownAt = {};"
                + "const pre = document.getElementById('out-stdout');"
                + "new MutationObserver(() => { for (const m of pre.textContent.matchAll(/t=(\\d+)/g))"
                + " if (!(m[1] in window.shownAt)) window.shownAt[m[1]] = Date.now(); })"
                + ".observe(pre, {childList: true, subtree: true, characterData: true});");

    // Live: the first lines show while the job still runs.
    waitForText(By.id("out-stdout"), "t=");
    assertThat(browser.findElement(By.id("job-status")).getText()).isEqualTo("RUNNING");
    assertThat(browser.findElement(By.id("output-note")).getText()).contains("following live");
    new WebDriverWait(browser, WAIT)
        .until(d -> d.findElement(By.id("out-stdout")).getText().lines().count() >= 5);
    browser.executeScript("document.getElementById('output-note').scrollIntoView()");
    save("liveOutput");
    waitForText(By.id("job-status"), "SUCCEEDED");
    waitForText(By.id("out-stderr"), "finished");
    assertThat(browser.findElement(By.id("out-stdout")).getText().lines()).hasSize(12);

    @SuppressWarnings("unchecked")
    var shown = (java.util.Map<String, Object>) browser.executeScript("return window.shownAt;");
    long[] delays =
        shown.entrySet().stream()
            .mapToLong(e -> ((Number) e.getValue()).longValue() - Long.parseLong(e.getKey()))
            .sorted()
            .toArray();
    assertThat(delays).hasSizeGreaterThanOrEqualTo(10);
    String figures =
        "printed on the worker -> shown in the browser, "
            + delays.length
            + " lines: median "
            + delays[delays.length / 2]
            + " ms, max "
            + delays[delays.length - 1]
            + " ms, all "
            + Arrays.toString(delays);
    System.out.println("ConsoleIT: " + figures);
    Files.writeString(SHOTS.resolve("output-latency.txt"), figures + "\n");
  }

  @Test
  @Order(2)
  void aBadJobShowsTheServersFieldErrorsNextToTheFields() {
    open("/submit");
    waitFor(By.id("s-command")).sendKeys("echo");
    browser.findElement(By.id("s-timeoutSeconds")).sendKeys("-5");
    browser.findElement(By.id("s-maxAttempts")).sendKeys("0");
    browser.findElement(By.id("submit")).click();

    WebElement timeoutError = waitFor(By.id("e-timeoutSeconds"));
    assertThat(timeoutError.getText()).isNotBlank();
    assertThat(waitFor(By.id("e-maxAttempts")).getText()).contains("from 1 to");
    assertThat(browser.findElement(By.id("s-timeoutSeconds")).getAttribute("aria-invalid"))
        .isEqualTo("true");
    assertThat(browser.findElement(By.id("submit-errors")).getText()).contains("not submitted");
    assertThat(browser.getCurrentUrl()).endsWith("#/submit");
  }

  @Test
  @Order(3)
  void aRunningJobCancelledFromItsPageEndsCancelled() throws Exception {
    String id = rest.submit("{\"command\":\"sleep\",\"args\":[\"300\"]}");
    open("/jobs/" + id);
    waitForText(By.id("job-status"), "RUNNING");
    waitFor(By.id("cancel")).click();
    waitFor(By.id("confirm-yes")).click();

    waitForText(By.id("job-status"), "CANCELLED");
    assertThat(rest.awaitEnd(id, WAIT).getString("status")).isEqualTo("CANCELLED");
    assertThat(browser.findElements(By.id("cancel"))).isEmpty();

    // Run again: a new job with the same spec, on its own page.
    browser.findElement(By.id("rerun")).click();
    new WebDriverWait(browser, WAIT)
        .until(
            d -> d.getCurrentUrl().matches(".*#/jobs/[^/?]+$") && !d.getCurrentUrl().endsWith(id));
    String url = browser.getCurrentUrl();
    String again = url.substring(url.lastIndexOf('/') + 1);
    waitForText(By.id("job-status"), "RUNNING");
    JsonObject rerun = rest.get("/api/v1/jobs/" + again).json();
    assertThat(rerun.getString("command")).isEqualTo("sleep");
    assertThat(rerun.getJsonArray("args").getString(0)).isEqualTo("300");
    rest.post("/api/v1/jobs/" + again + "/cancel", "");
    waitForText(By.id("job-status"), "CANCELLED");
  }

  @Test
  @Order(4)
  void aReloadedJobPageContinuesTheOutputWithoutAGapOrARepeat() throws Exception {
    String id =
        rest.submit(
            "{\"command\":\"sh\",\"args\":[\"-c\","
                + "\"for i in $(seq 1 50); do echo line-$i; sleep 0.2; done\"]}");
    open("/jobs/" + id);
    waitForText(By.id("out-stdout"), "line-5\n");
    browser.navigate().refresh();
    waitForText(By.id("out-stdout"), "line-30\n");

    // Still running: what shows is the stream as followed live, not the stored final output.
    String live = browser.findElement(By.id("out-stdout")).getText();
    assertThat(browser.findElement(By.id("job-status")).getText()).isEqualTo("RUNNING");
    List<String> lines = live.lines().toList();
    assertThat(lines)
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, lines.size()).mapToObj(i -> "line-" + i).toList());
    waitForText(By.id("job-status"), "SUCCEEDED");
    assertThat(browser.findElement(By.id("out-stdout")).getText().lines()).hasSize(50);
  }

  @Test
  @Order(5)
  void aJobThatPrinted50MegabytesShowsItsHeadAndTailAndTheOmittedSizeAndStaysResponsive()
      throws Exception {
    String id =
        rest.submit(
            "{\"command\":\"sh\",\"args\":[\"-c\","
                + "\"yes 0123456789-abcdefghijklmnopqrstuvwxyz | head -c 52428800; echo end-of-output\"]}");
    JsonObject job = rest.awaitEnd(id, Duration.ofSeconds(120));
    assertThat(job.getString("status")).isEqualTo("SUCCEEDED");

    long opened = System.nanoTime();
    open("/jobs/" + id);
    WebElement omitted = waitFor(By.cssSelector("#out-stdout .omitted"));
    long shownMillis = (System.nanoTime() - opened) / 1_000_000;
    assertThat(omitted.getText()).matches("\\[distexec: \\d+ bytes omitted\\]");
    assertThat(browser.findElement(By.id("size-stdout")).getText()).isEqualTo("50 MiB printed");
    waitForText(By.id("out-stdout"), "end-of-output");

    // A click answers within a second: line wrapping goes off.
    WebElement wrap = browser.findElement(By.id("wrap"));
    long clicked = System.nanoTime();
    wrap.click();
    new WebDriverWait(browser, Duration.ofSeconds(1))
        .pollingEvery(Duration.ofMillis(10))
        .until(
            ExpectedConditions.attributeToBe(By.id("out-stdout"), "class", "output stdout nowrap"));
    long answeredMillis = (System.nanoTime() - clicked) / 1_000_000;
    String figures =
        "50 MiB job: page with head, omitted size and tail in "
            + shownMillis
            + " ms; a click answered in "
            + answeredMillis
            + " ms";
    System.out.println("ConsoleIT: " + figures);
    Files.writeString(SHOTS.resolve("large-output.txt"), figures + "\n");
  }

  @Test
  @Order(6)
  void theJobsTableFiltersAndShowsNewJobsLive() throws Exception {
    String marker = "console-" + System.nanoTime();
    String first = rest.submit("{\"command\":\"echo\",\"args\":[\"" + marker + "-a\"]}");
    rest.awaitEnd(first, WAIT);
    open("/jobs");
    waitFor(By.cssSelector("#jobs-body tr"));

    String second = rest.submit("{\"command\":\"echo\",\"args\":[\"" + marker + "-b\"]}");
    waitFor(By.cssSelector("#jobs-body tr[data-job='" + second + "']"));

    WebElement text = browser.findElement(By.id("f-q"));
    text.sendKeys(marker.toUpperCase(java.util.Locale.ROOT) + "-A", Keys.ENTER);
    new WebDriverWait(browser, WAIT)
        .until(d -> d.findElements(By.cssSelector("#jobs-body tr")).size() == 1);
    assertThat(browser.findElement(By.cssSelector("#jobs-body tr")).getAttribute("data-job"))
        .isEqualTo(first);
    assertThat(browser.findElement(By.cssSelector("#jobs-body .status")).getText())
        .isEqualTo("SUCCEEDED");
  }

  @Test
  @Order(7)
  void aViewerIsNotOfferedWhatItMayNotDo() throws Exception {
    Rest.Answer made =
        rest.post("/api/v1/tokens", "{\"name\":\"console-viewer\",\"roles\":[\"viewer\"]}");
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    String running = rest.submit("{\"command\":\"sleep\",\"args\":[\"60\"]}");
    signOut();
    signIn(made.json().getString("secret"));
    try {
      open("/jobs/" + running);
      waitForText(By.id("job-status"), "RUNNING");
      assertThat(browser.findElements(By.id("cancel"))).isEmpty();
      assertThat(browser.findElements(By.id("rerun"))).isEmpty();
      assertThat(browser.findElement(By.cssSelector("a[data-nav=submit]")).isDisplayed()).isFalse();
      assertThat(browser.findElement(By.cssSelector("a[data-nav=audit]")).isDisplayed()).isFalse();
      assertThat(browser.findElement(By.id("who-name")).getText()).contains("viewer");
    } finally {
      signOut();
      signIn(cluster.adminToken());
      rest.post("/api/v1/jobs/" + running + "/cancel", "");
    }
  }

  @Test
  @Order(8)
  void theOverviewShowsTheQueueTheWorkersAndTheLastHour() {
    open("/");
    waitFor(By.id("card-queued"));
    waitFor(By.cssSelector("#workers-table tbody tr"));
    assertThat(browser.findElements(By.cssSelector("#workers-table tbody tr"))).hasSize(2);
    assertThat(browser.findElements(By.cssSelector("svg.chart rect.bar-ok"))).isNotEmpty();
    assertThat(browser.findElements(By.cssSelector("svg.chart path.p50"))).isNotEmpty();
    waitForText(By.id("live-note"), "live");

    // On a phone: one column, nothing wider than the screen but the tables, which scroll.
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
    try {
      waitFor(By.id("card-queued"));
      Number overflow =
          (Number)
              browser.executeScript(
                  "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
      assertThat(overflow.intValue()).isLessThanOrEqualTo(0);
      save("overviewOnAPhone");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
    }
  }

  @Test
  @Order(9)
  void aWorkerDrainedFromTheWorkersPageShowsDraining() throws Exception {
    // A job on each worker (round-robin), so the drained one stays until its job ends.
    List<String> busy = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      busy.add(rest.submit("{\"command\":\"sleep\",\"args\":[\"8\"]}"));
    }
    String worker = rest.get("/api/v1/workers").array().getJsonObject(1).getString("id");
    open("/workers");
    waitFor(By.cssSelector("#workers-table button[aria-label='Drain " + worker + "']")).click();
    waitFor(By.id("confirm-yes")).click();
    waitForText(
        By.cssSelector("#workers-table tr[data-worker='" + worker + "'] .state"), "DRAINING");
    waitForText(By.id("flash"), worker + " is draining");
    waitFor(By.id("masters-table"));
    assertThat(browser.findElement(By.id("masters-table")).getText())
        .containsIgnoringCase("leader");

    for (String id : busy) {
      assertThat(rest.awaitEnd(id, WAIT).getString("status")).isEqualTo("SUCCEEDED");
    }
    // Back as it was for the test classes after this one: a new process starts undrained.
    cluster.stop(worker);
    cluster.restart(worker);
    await()
        .atMost(WAIT)
        .until(
            () ->
                rest.get("/api/v1/workers").array().stream()
                        .filter(w -> w.asJsonObject().getString("state").equals("READY"))
                        .count()
                    == 2);
  }
}
