package dev.distillery.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An axe-core audit of the page as it stands, failing on any serious or critical violation. axe-core comes from its
 * webjar on the test classpath (no download while tests run) and is injected as script content.
 */
final class Accessibility {

    private static final String AXE_VERSION = "4.6.3";
    private static final String AXE = load("META-INF/resources/webjars/axe-core/" + AXE_VERSION + "/axe.min.js");

    /**
     * Violations we cannot fix in the app, each one rule on one component, never a rule everywhere. Keys are axe rule
     * ids, values CSS selectors of the host elements where the rule's nodes are ignored.
     */
    private static final Map<String, List<String>> EXCEPTIONS = Map.of(
            // Both from the components' shadow DOM, which the app cannot change: axe 4.6 reads one row of body
            // cells of vaadin-grid's treegrid table (its row recycling) as owned by the table itself, and finds
            // vaadin-tabs' tablist (TabSheet's too) wrapping its slotted tabs in a scroll div between aria-hidden
            // scroll buttons. Seen on every grid and tab sheet, with correct row, gridcell and tab roles.
            "aria-required-children", List.of("vaadin-grid", "vaadin-tabs"));

    private Accessibility() {}

    /**
     * Fails with each serious or critical violation (rule, help, the offending elements) on the page, and unless the
     * page has exactly one main landmark and one level-1 heading.
     */
    static void assertNoSeriousViolations(Page page, String what) {
        // Vaadin finishes rendering after the load event: wait until its client has no request in flight.
        Pages.awaitServer(page);
        // A dialog still fading in or out is measured against a half-blended background: axe then reports contrast
        // that no user ever sees settled. Finite animations are waited for; spinners run forever and are not.
        page.waitForFunction("""
                () => !document.querySelector('[opening], [closing]') && document.getAnimations()
                    .every(a => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)""");
        if (!Boolean.TRUE.equals(page.evaluate("() => typeof window.axe === 'object'"))) {
            try {
                page.addScriptTag(new Page.AddScriptTagOptions().setContent(AXE));
            } catch (PlaywrightException refusedByPolicy) {
                // Evaluated below instead.
            }
        }
        if (!Boolean.TRUE.equals(page.evaluate("() => typeof window.axe === 'object'"))) {
            // A strict Content-Security-Policy (public pages) refuses inline script; evaluated code is not checked.
            page.evaluate("() => { " + AXE + "\n}");
        }
        Object report = page.evaluate("""
                async (exceptions) => {
                  const result = await axe.run(document, { resultTypes: ['violations'] });
                  const excepted = (rule, node) => (exceptions[rule] || []).some(selector => {
                    const element = document.querySelector(node.target[0]);
                    return element && element.closest(selector);
                  });
                  return result.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({ ...v, nodes: v.nodes.filter(n => !excepted(v.id, n)) }))
                    .filter(v => v.nodes.length > 0)
                    .map(v => v.impact + ' ' + v.id + ': ' + v.help + '\\n' + v.nodes
                        .map(n => '    ' + n.target.join(' >>> ') + '\\n      ' + (n.failureSummary || '')
                            .replaceAll('\\n', '\\n      ') + '\\n      ' + n.html.substring(0, 200)
                            + [...n.any, ...n.all, ...n.none].flatMap(c => c.relatedNodes || [])
                                .map(r => '\\n      related: ' + r.target.join(' >>> ') + ' ' + r.html.substring(0, 160))
                                .join(''))
                        .join('\\n'))
                    .join('\\n');
                }""", EXCEPTIONS);
        assertThat((String) report)
                .as("accessibility violations on %s (%s)", what, page.url())
                .isEmpty();
        // axe rates these moderate, but a page without them cannot be skimmed by landmark or heading.
        assertThat(page.evaluate("() => document.querySelectorAll('main, [role=main]').length"))
                .as("main landmarks on %s", what)
                .isEqualTo(1);
        assertThat(page.evaluate("() => document.querySelectorAll('h1').length"))
                .as("level-1 headings on %s", what)
                .isEqualTo(1);
    }

    private static String load(String resource) {
        try (InputStream in = Accessibility.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath (org.webjars.npm:axe-core)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
