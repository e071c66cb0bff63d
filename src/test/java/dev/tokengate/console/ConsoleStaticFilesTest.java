package dev.tokengate.console;

import static dev.tokengate.support.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's built files at /console, from the classpath, without a key. */
class ConsoleStaticFilesTest {
    private static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static String asset(String html, String extension) {
        Matcher m = Pattern.compile("/console/(assets/[A-Za-z0-9_.-]+\\." + extension + ")").matcher(html);
        assertThat(m.find()).as("index.html names a .%s asset: %s", extension, html).isTrue();
        return m.group(1);
    }

    @Test
    void theIndexIsServedWithoutAKeyAsHtmlThatLoadsOnlyItsOwnFiles() {
        TestGateway.Resp r = gw.get("/console/", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(r.header("Content-Security-Policy")).contains("default-src 'self'").contains("frame-ancestors 'none'");
        assertThat(r.body()).contains("<div id=\"app\"></div>").doesNotContain("http://").doesNotContain("https://");
    }

    @Test
    void theBarePathRedirectsToTheFolder() {
        TestGateway.Resp r = gw.get("/console", null);

        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("Location")).isEqualTo("/console/");
    }

    @Test
    void builtAssetsHaveTheirContentTypeAndAreCachedForGood() {
        String html = gw.get("/console/", null).body();

        TestGateway.Resp js = gw.get("/console/" + asset(html, "js"), null);
        TestGateway.Resp css = gw.get("/console/" + asset(html, "css"), null);

        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(js.header("Cache-Control")).contains("immutable");
        assertThat(js.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertThat(gw.get("/console/favicon.svg", null).header("Content-Type")).isEqualTo("image/svg+xml");
    }

    @Test
    void aPathWithoutAFileExtensionGetsTheIndex() {
        TestGateway.Resp r = gw.get("/console/users/user_123", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("<div id=\"app\"></div>");
    }

    @Test
    void aMissingFileIs404() {
        assertError(gw.get("/console/assets/missing-0000.js", null), 404);
    }

    @Test
    void nothingOutsideTheConsoleFolderIsServed() {
        assertThat(gw.get("/console/%2e%2e/tokengate-defaults.yaml", null).status()).isEqualTo(404);
        assertThat(gw.get("/console/..%2Ftokengate-defaults.yaml", null).status()).isEqualTo(404);
        assertThat(gw.get("/console/.hidden.js", null).status()).isEqualTo(404);
        assertThat(gw.get("/console/assets/%2e%2e/%2e%2e/db/sqlite/V1__accounts.sql", null).status()).isEqualTo(404);
    }
}
