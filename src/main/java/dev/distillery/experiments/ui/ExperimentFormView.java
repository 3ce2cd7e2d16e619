package dev.distillery.experiments.ui;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import dev.distillery.datasets.DatasetDetails;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.DatasetSummary;
import dev.distillery.datasets.VersionSummary;
import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.experiments.Experiment;
import dev.distillery.experiments.ExperimentDraft;
import dev.distillery.experiments.ExperimentEstimate;
import dev.distillery.experiments.ExperimentService;
import dev.distillery.methods.Decoding;
import dev.distillery.methods.Method;
import dev.distillery.methods.ModelRole;
import dev.distillery.methods.Preset;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.InvalidInputException.FieldError;
import jakarta.annotation.security.PermitAll;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Launch an experiment: a dataset range, the methods (each with its preset), the teachers and students, and what
 * every run shares. The estimate below is computed again on every change, so its cost is known before the launch;
 * above the workspace's threshold the launch asks for a confirmation. Errors are shown on the fields they name.
 */
@Route("experiments/new")
@PageTitle("New experiment · Distillery")
@PermitAll
public class ExperimentFormView extends VerticalLayout {

    /** A cell's error from a run's validation, such as {@code methods[1].roles.teacher}: the shared field it names. */
    private static final Pattern CELL_FIELD = Pattern.compile("^(?:methods|cells)\\[(\\d+)]\\.(.+)$");

    private final ExperimentService experiments;
    private final DatasetService datasets;
    private final TextField name = new TextField("Name (optional)");
    private final Select<DatasetSummary> dataset = new Select<>();
    private final Select<VersionSummary> version = new Select<>();
    private final Select<String> split = new Select<>();
    private final IntegerField offset = new IntegerField("Offset");
    private final IntegerField limit = new IntegerField("Limit (empty: all)");
    private final List<MethodRow> methodRows = new ArrayList<>();
    private final Paragraph methodsError = new Paragraph();
    private final CheckboxGroup<EndpointDetails> teachers = new CheckboxGroup<>("Teachers");
    private final CheckboxGroup<EndpointDetails> students = new CheckboxGroup<>("Students");
    private final NumberField temperature = new NumberField("Temperature (empty: each preset's)");
    private final IntegerField maxTokens = new IntegerField("Max tokens (empty: each preset's)");
    private final IntegerField seed = new IntegerField("Seed");
    private final IntegerField concurrency = new IntegerField("Concurrency per run");
    private final Grid<ExperimentEstimate.Cell> estimateGrid = estimateGrid();
    private final Paragraph estimateTotal = new Paragraph();
    private final Checkbox confirm = new Checkbox();
    private final Div errors = new Div();
    private final Map<String, HasValidation> fields = new LinkedHashMap<>();

    public ExperimentFormView(ExperimentService experiments, DatasetService datasets, EndpointService endpoints) {
        this.experiments = experiments;
        this.datasets = datasets;
        setMaxWidth("72rem");
        List<EndpointDetails> models = endpoints.list();

        name.setId("experiment-name");
        dataset.setLabel("Dataset");
        dataset.setId("experiment-dataset");
        dataset.setItems(datasets.list());
        dataset.setItemLabelGenerator(DatasetSummary::name);
        dataset.addValueChangeListener(e -> datasetChanged());
        version.setLabel("Version");
        version.setId("experiment-version");
        version.setItemLabelGenerator(v -> "v" + v.version() + " (" + v.itemCount() + " items)");
        split.setLabel("Split");
        split.setId("experiment-split");
        split.setItems("test", "train", "dev");
        split.setValue("test");
        offset.setId("experiment-offset");
        offset.setValue(0);
        offset.setMin(0);
        limit.setId("experiment-limit");
        limit.setMin(1);

        VerticalLayout methodList = new VerticalLayout();
        methodList.setPadding(false);
        methodList.setSpacing(false);
        for (Method method : experiments.methods()) {
            Checkbox box = new Checkbox(method.label() + roles(method));
            box.setId("method-" + method.id());
            box.setTooltipText(method.description());
            Select<Preset> preset = new Select<>();
            preset.setId("preset-" + method.id());
            preset.setAriaLabel("Preset of " + method.label());
            preset.setItems(method.presets());
            preset.setItemLabelGenerator(p -> p.label() + " (" + p.id() + " v" + p.version() + ")");
            preset.setValue(method.presets().getFirst());
            preset.setEnabled(false);
            box.addValueChangeListener(e -> preset.setEnabled(e.getValue()));
            HorizontalLayout line = new HorizontalLayout(box, preset);
            line.setAlignItems(FlexComponent.Alignment.CENTER);
            methodList.add(line);
            methodRows.add(new MethodRow(method, box, preset));
        }
        methodsError.setId("experiment-methods-error");
        methodsError.addClassName("text-error");
        methodsError.setVisible(false);

        for (CheckboxGroup<EndpointDetails> group : List.of(teachers, students)) {
            group.setItems(models);
            group.setItemLabelGenerator(e -> e.name() + " (" + e.model() + ")");
        }
        teachers.setId("experiment-teachers");
        teachers.setHelperText("Each method with a teacher runs once per teacher and student.");
        students.setId("experiment-students");
        students.setHelperText("A baseline (a method without a teacher) runs once per student.");

        temperature.setId("experiment-temperature");
        maxTokens.setId("experiment-max-tokens");
        maxTokens.setMin(1);
        seed.setId("experiment-seed");
        concurrency.setId("experiment-concurrency");
        concurrency.setValue(8);
        concurrency.setMin(1);
        concurrency.setHelperText("Model calls in flight at once for each run; each endpoint's own limits apply too.");

        estimateGrid.setVisible(false);
        estimateTotal.setId("estimate-total");
        confirm.setId("experiment-confirm");
        confirm.setVisible(false);

        errors.setId("experiment-errors");
        errors.addClassName("text-error");
        Button launch = new Button("Launch experiment", click -> launch());
        launch.setId("experiment-launch");
        launch.addThemeVariants(ButtonVariant.LUMO_PRIMARY);

        fields.put("name", name);
        fields.put("datasetId", dataset);
        fields.put("datasetVersion", version);
        fields.put("split", split);
        fields.put("offset", offset);
        fields.put("limit", limit);
        fields.put("teachers", teachers);
        fields.put("roles.teacher", teachers);
        fields.put("students", students);
        fields.put("roles.student", students);
        fields.put("decoding.temperature", temperature);
        fields.put("decoding.maxTokens", maxTokens);
        fields.put("seed", seed);
        fields.put("concurrency", concurrency);

        List<HasValue<?, ?>> inputs = new ArrayList<>(List.of(
                dataset, version, split, offset, limit, teachers, students, temperature, maxTokens, concurrency));
        methodRows.forEach(row -> {
            inputs.add(row.box());
            inputs.add(row.preset());
        });
        inputs.forEach(input -> input.addValueChangeListener(e -> updateEstimate()));

        add(
                new H1("New experiment"),
                errors,
                new H2("Data"),
                new FormLayout(name, dataset, version, split, offset, limit),
                new H2("Methods"),
                methodsError,
                methodList,
                new H2("Models"),
                new FormLayout(teachers, students),
                new H2("Shared by every run"),
                new FormLayout(temperature, maxTokens, seed, concurrency),
                new H2("Estimate"),
                estimateGrid,
                estimateTotal,
                confirm,
                launch);
        if (models.isEmpty()) {
            errors.add(new Paragraph("Register the teachers' and students' endpoints first (Endpoints)."));
        }
        updateEstimate();
    }

    /** A method of the grid: ticked or not, with its preset. */
    private record MethodRow(Method method, Checkbox box, Select<Preset> preset) {}

    private static String roles(Method method) {
        boolean teacher = method.roles().contains(ModelRole.TEACHER);
        boolean student = method.roles().contains(ModelRole.STUDENT);
        return teacher && student ? " — teacher and student" : teacher ? " — teacher only" : " — student only";
    }

    private void datasetChanged() {
        DatasetSummary d = dataset.getValue();
        if (d == null) {
            return;
        }
        DatasetDetails details = datasets.get(d.id());
        version.setItems(details.versions());
        version.setValue(details.latest());
    }

    private boolean ready() {
        return dataset.getValue() != null
                && methodRows.stream().anyMatch(row -> row.box().getValue())
                && !(teachers.getValue().isEmpty() && students.getValue().isEmpty());
    }

    private ExperimentDraft draft() {
        List<ExperimentDraft.MethodChoice> methods = new ArrayList<>();
        for (MethodRow row : methodRows) {
            if (row.box().getValue()) {
                Preset preset = row.preset().getValue();
                methods.add(
                        new ExperimentDraft.MethodChoice(row.method().id(), preset == null ? null : preset.id(), null));
            }
        }
        DatasetSummary d = dataset.getValue();
        return new ExperimentDraft(
                name.getValue(),
                d.id(),
                version.getValue() == null ? null : version.getValue().version(),
                split.getValue(),
                offset.getValue() == null ? 0 : offset.getValue(),
                limit.getValue(),
                methods,
                teachers.getValue().stream().map(EndpointDetails::id).toList(),
                students.getValue().stream().map(EndpointDetails::id).toList(),
                List.of(),
                new Decoding(temperature.getValue(), null, maxTokens.getValue(), List.of(), seed.getValue(), 1),
                seed.getValue(),
                concurrency.getValue(),
                confirm.isVisible() && confirm.getValue());
    }

    private void updateEstimate() {
        if (!ready()) {
            estimateGrid.setVisible(false);
            confirm.setVisible(false);
            estimateTotal.setText(
                    "Choose a dataset, at least one method and the models to see what the experiment " + "will cost.");
            return;
        }
        try {
            show(experiments.estimate(draft()));
        } catch (InvalidInputException e) {
            estimateGrid.setVisible(false);
            confirm.setVisible(false);
            estimateTotal.setText("No estimate yet: "
                    + String.join(
                            " ", e.errors().stream().map(FieldError::message).toList()));
        }
    }

    private void show(ExperimentEstimate estimate) {
        estimateGrid.setItems(estimate.cells());
        estimateGrid.setVisible(true);
        estimateTotal.setText(total(estimate));
        boolean wasVisible = confirm.isVisible();
        confirm.setVisible(estimate.confirmationRequired());
        confirm.setLabel(confirmLabel(estimate));
        if (!wasVisible) {
            confirm.setValue(false);
        }
    }

    private void launch() {
        clearErrors();
        if (dataset.getValue() == null) {
            dataset.setErrorMessage("Choose the dataset.");
            dataset.setInvalid(true);
            return;
        }
        try {
            Experiment experiment = experiments.launch(draft());
            getUI().ifPresent(ui -> ui.navigate(
                    ExperimentView.class,
                    new RouteParameters("experimentId", experiment.id().toString())));
        } catch (InvalidInputException e) {
            e.errors().forEach(this::showError);
        }
    }

    private void clearErrors() {
        errors.removeAll();
        methodsError.setVisible(false);
        methodsError.setText("");
        fields.values().forEach(field -> field.setInvalid(false));
    }

    /** On the field it names; a method's own problem under the methods; the rest above the form. */
    private void showError(FieldError error) {
        String field = error.field();
        Matcher cell = CELL_FIELD.matcher(field);
        String shared = cell.matches() ? cell.group(2) : field;
        HasValidation target = fields.get(shared);
        if (target != null) {
            target.setErrorMessage(error.message());
            target.setInvalid(true);
        } else if (field.startsWith("methods")) {
            methodsError.setText((methodsError.getText() + " " + error.message()).strip());
            methodsError.setVisible(true);
        } else if (field.equals("confirm")) {
            errors.add(new Paragraph(error.message()));
            updateEstimate();
        } else {
            errors.add(new Paragraph(error.describe()));
        }
    }

    /** The estimate's cells, one row each, as the form and a template's page show them. */
    static Grid<ExperimentEstimate.Cell> estimateGrid() {
        Grid<ExperimentEstimate.Cell> estimateGrid = new Grid<>();
        estimateGrid.setId("estimate-grid");
        estimateGrid.setAllRowsVisible(true);
        estimateGrid
                .addColumn(c -> c.method() + " (" + c.preset() + ")")
                .setHeader("Method")
                .setAutoWidth(true);
        estimateGrid.addColumn(c -> c.teacher() == null ? "" : c.teacher()).setHeader("Teacher");
        estimateGrid.addColumn(c -> c.student() == null ? "" : c.student()).setHeader("Student");
        estimateGrid.addColumn(c -> count(c.calls())).setHeader("Calls");
        estimateGrid.addColumn(c -> count(c.promptTokens())).setHeader("Prompt tokens");
        estimateGrid.addColumn(c -> count(c.completionTokens())).setHeader("Completion tokens");
        estimateGrid.addColumn(c -> money(c.cost())).setHeader("Cost");
        estimateGrid.addColumn(c -> duration(c.seconds())).setHeader("Time");
        return estimateGrid;
    }

    static String total(ExperimentEstimate estimate) {
        return "Total: " + count(estimate.calls()) + " calls, " + count(estimate.promptTokens()) + " prompt and "
                + count(estimate.completionTokens()) + " completion tokens, cost " + money(estimate.cost()) + ", about "
                + duration(estimate.seconds()) + " — " + estimate.items() + " items, prompts measured on "
                + estimate.sampledItems() + " of them; completions as long as each call's token cap allows.";
    }

    static String confirmLabel(ExperimentEstimate estimate) {
        return "Launch although the estimate (" + count(estimate.tokens()) + " tokens) is above this "
                + "workspace's threshold of " + count(estimate.threshold()) + " tokens";
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String money(@Nullable BigDecimal amount) {
        return amount == null ? "unknown (an endpoint has no price)" : amount.toPlainString();
    }

    static String duration(long seconds) {
        if (seconds < 90) {
            return seconds + " s";
        }
        if (seconds < 90 * 60) {
            return Math.round(seconds / 60.0) + " min";
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600.0);
    }
}
