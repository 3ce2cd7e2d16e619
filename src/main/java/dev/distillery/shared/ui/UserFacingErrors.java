package dev.distillery.shared.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import dev.distillery.shared.ConflictException;
import dev.distillery.shared.DatabaseRetry;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.NotFoundException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;

/**
 * Shows service refusals (validation, conflicts, missing rights) raised in UI event handlers as a notification
 * the user can act on, instead of Vaadin's generic error; anything else is logged and reported as unexpected.
 */
@Component
class UserFacingErrors implements VaadinServiceInitListener {

    private static final Logger log = LoggerFactory.getLogger(UserFacingErrors.class);

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource()
                .addSessionInitListener(init -> init.getSession().setErrorHandler(error -> {
                    Throwable cause = error.getThrowable();
                    while (cause.getCause() != null
                            && !(cause instanceof InvalidInputException
                                    || cause instanceof ConflictException
                                    || cause instanceof NotFoundException
                                    || cause instanceof AccessDeniedException)) {
                        cause = cause.getCause();
                    }
                    String message;
                    if (cause instanceof InvalidInputException
                            || cause instanceof ConflictException
                            || cause instanceof NotFoundException
                            || cause instanceof AccessDeniedException) {
                        message = Objects.requireNonNullElse(cause.getMessage(), "You may not do that.");
                    } else if (DatabaseRetry.isTransient(error.getThrowable())) {
                        log.warn(
                                "Database unavailable under a UI action: {}",
                                error.getThrowable().toString());
                        message = DatabaseRetry.UNAVAILABLE;
                    } else {
                        log.error("Unexpected error in the UI", error.getThrowable());
                        message = "Something went wrong on our side. The error has been logged; please try again.";
                    }
                    if (UI.getCurrent() != null) {
                        Notifications.error(message);
                    }
                }));
    }
}
