package dev.distillery.finetune.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import java.util.function.BooleanSupplier;

/**
 * Keeps a fine-tuning view current while it is shown: the browser polls every {@code millis} (the UI's poll
 * listener runs in the user's session, so refreshes go through the services and their tenant checks), and the view
 * refreshes while {@code live} says something may still change. Polling stops when the view is detached.
 */
final class FineTuneJobRefresh {

    private FineTuneJobRefresh() {}

    /** How many views of this UI poll now; polling stops with the last (a new view may attach before the old leaves). */
    private static final String POLLERS = FineTuneJobRefresh.class.getName();

    static void whileAttached(Component view, int millis, BooleanSupplier live, Runnable refresh) {
        view.addAttachListener(attach -> {
            UI ui = attach.getUI();
            ComponentUtil.setData(ui, POLLERS, pollers(ui) + 1);
            ui.setPollInterval(millis);
            Registration polling = ui.addPollListener(poll -> {
                if (live.getAsBoolean()) {
                    refresh.run();
                }
            });
            view.addDetachListener(detach -> {
                polling.remove();
                int left = pollers(ui) - 1;
                ComponentUtil.setData(ui, POLLERS, left);
                if (left <= 0) {
                    ui.setPollInterval(-1);
                }
                detach.unregisterListener();
            });
        });
    }

    private static int pollers(UI ui) {
        return ComponentUtil.getData(ui, POLLERS) instanceof Integer n ? n : 0;
    }
}
