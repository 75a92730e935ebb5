package io.distexec.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BrowserGuardTest {

  private final BrowserGuard open = new BrowserGuard(Set.of(), Set.of());
  private final BrowserGuard strict =
      new BrowserGuard(Set.of("https://console.example.com"), Set.of("distexec.example.com"));

  @Test
  void aCrossOriginRequestIsRefusedUnlessItsOriginIsAllowed() {
    assertThat(open.refusal("GET", "127.0.0.1:9080", "http://evil.example", null, null, null, null))
        .hasValueSatisfying(
            why -> assertThat(why).contains("cross-origin").contains("ALLOWED_ORIGINS"));
    assertThat(
            open.refusal("GET", "127.0.0.1:9080", "http://127.0.0.1:9080", null, null, null, null))
        .isEmpty();
    assertThat(
            strict.refusal(
                "POST",
                "distexec.example.com",
                "https://console.example.com",
                "Bearer x",
                MediaType.APPLICATION_JSON_TYPE,
                null,
                null))
        .isEmpty();
  }

  @Test
  void aRebindingHostIsRefusedWhenAllowedHostsIsSet() {
    assertThat(strict.refusal("GET", "attacker.example:9080", null, null, null, null, null))
        .hasValueSatisfying(why -> assertThat(why).contains("ALLOWED_HOSTS"));
    assertThat(
            strict.refusal("GET", "distexec.example.com:9080", null, "Bearer x", null, null, null))
        .isEmpty();
    assertThat(open.refusal("GET", "anything:9080", null, "Bearer x", null, null, null)).isEmpty();
  }

  @Test
  void aChangeThatAPlainFormCouldSendWithCookiesIsRefused() {
    MediaType form = MediaType.APPLICATION_FORM_URLENCODED_TYPE;
    assertThat(open.refusal("POST", "h", null, null, form, null, "session=1"))
        .hasValueSatisfying(why -> assertThat(why).contains("plain cross-site form"));
    // A header a form cannot set, or a JSON body (which needs a CORS preflight), is enough.
    assertThat(open.refusal("POST", "h", null, null, form, "XMLHttpRequest", "session=1"))
        .isEmpty();
    assertThat(open.refusal("POST", "h", null, null, MediaType.APPLICATION_JSON_TYPE, null, "s=1"))
        .isEmpty();
    assertThat(open.refusal("DELETE", "h", null, "Bearer x", null, null, "s=1")).isEmpty();
    // Without cookies there is no credential to abuse: the request gets its 401 later.
    assertThat(open.refusal("POST", "h", null, null, form, null, null)).isEmpty();
    assertThat(open.refusal("GET", "h", null, null, null, null, "session=1")).isEmpty();
  }
}
