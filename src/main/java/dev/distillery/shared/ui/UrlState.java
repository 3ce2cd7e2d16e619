package dev.distillery.shared.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.router.Location;
import com.vaadin.flow.router.QueryParameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A view's state in its URL's query, so a filtered grid or board can be bookmarked, shared and reloaded: written
 * with {@link #put}/{@link #flag} and {@link #replace} (the history entry is replaced, not added, so Back leaves
 * the view), read from the location the router hands {@code beforeEnter} with {@link #of}.
 */
public final class UrlState {

    private final Map<String, List<String>> values;

    private UrlState(Map<String, List<String>> values) {
        this.values = values;
    }

    /** An empty state to fill. */
    public static UrlState empty() {
        return new UrlState(new LinkedHashMap<>());
    }

    /** The state a URL carries. */
    public static UrlState of(Location location) {
        return new UrlState(new LinkedHashMap<>(location.getQueryParameters().getParameters()));
    }

    /** Sets {@code key}, or leaves it out when {@code value} is null or blank (the default). */
    public UrlState put(String key, @Nullable String value) {
        if (value != null && !value.isBlank()) {
            values.put(key, List.of(value));
        }
        return this;
    }

    /** Sets {@code key} to "true" when {@code on}; off is the default and leaves it out. */
    public UrlState flag(String key, boolean on) {
        return on ? put(key, "true") : this;
    }

    /** The first value of {@code key}, if any. */
    public Optional<String> get(String key) {
        return values.getOrDefault(key, List.of()).stream().findFirst();
    }

    /** Whether {@code key} is "true". */
    public boolean flag(String key) {
        return get(key).filter("true"::equals).isPresent();
    }

    /** The value of {@code key} when it is one of {@code allowed}, else empty (a hand-edited URL falls back quietly). */
    public Optional<String> oneOf(String key, List<String> allowed) {
        return get(key).filter(allowed::contains);
    }

    /** Replaces the current history entry with {@code path} and this state. */
    public void replace(String path) {
        UI ui = UI.getCurrent();
        if (ui != null) {
            ui.getPage().getHistory().replaceState(null, new Location(path, new QueryParameters(values)));
        }
    }
}
