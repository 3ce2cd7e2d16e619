package dev.distillery.runs;

/**
 * An action another module offers on a run's page, shown there as a button. Runs know no module that builds on
 * them, so the page lists the beans of this type instead (fine-tuning exports are one). Called on the UI thread.
 */
public interface RunPageAction {

    /** The element id of the button. */
    String id();

    String label();

    /** Whether the page shows the action for this run to the current user (their role allows it, say). */
    boolean availableFor(RunDetails run);

    /** Opens the action for the run in the current UI, typically a dialog. */
    void open(RunDetails run);
}
