package dev.distillery.runs.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import dev.distillery.datasets.DatasetDetails;
import dev.distillery.datasets.DatasetService;
import dev.distillery.datasets.DatasetSummary;
import dev.distillery.datasets.VersionSummary;
import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.EndpointService;
import dev.distillery.methods.Decoding;
import dev.distillery.methods.Method;
import dev.distillery.methods.ModelRole;
import dev.distillery.methods.ParamSpec;
import dev.distillery.methods.Preset;
import dev.distillery.runs.RunDetails;
import dev.distillery.runs.RunDraft;
import dev.distillery.runs.RunService;
import dev.distillery.shared.InvalidInputException;
import dev.distillery.shared.ui.UrlState;
import jakarta.annotation.security.PermitAll;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Launch a run. The form renders from the chosen method's declaration: its presets, one endpoint field per role it
 * needs, and its parameters; decoding, the dataset slice and concurrency are common to all methods. Other pages
 * open it pre-filled with query parameters: {@code ?method=<id>} and an endpoint id per role, e.g.
 * {@code &student=<endpoint id>} (unknown values are ignored).
 */
@Route("runs/new")
@PageTitle("New run · Distillery")
@PermitAll
public class RunFormView extends VerticalLayout implements BeforeEnterObserver {

    private final RunService runs;
    private final DatasetService datasets;
    private final List<EndpointDetails> endpoints;
    private final Select<Method> method = new Select<>();
    private final Select<Preset> preset = new Select<>();
    private final Paragraph description = new Paragraph();
    private final FormLayout roleFields = new FormLayout();
    private final Map<ModelRole, Select<EndpointDetails>> roleSelects = new EnumMap<>(ModelRole.class);
    private final FormLayout paramFields = new FormLayout();
    private final Map<String, HasValue<?, ?>> paramInputs = new LinkedHashMap<>();
    private final Select<DatasetSummary> dataset = new Select<>();
    private final Select<VersionSummary> version = new Select<>();
    private final Select<String> split = new Select<>();
    private final IntegerField offset = new IntegerField("Offset");
    private final IntegerField limit = new IntegerField("Limit (empty: all)");
    private final NumberField temperature = new NumberField("Temperature");
    private final NumberField topP = new NumberField("top_p");
    private final IntegerField maxTokens = new IntegerField("Max tokens");
    private final TextField stop = new TextField("Stop sequences (comma-separated)");
    private final IntegerField seed = new IntegerField("Seed");
    private final IntegerField concurrency = new IntegerField("Concurrency");
    private final TextField name = new TextField("Run name (optional)");
    private final Div errors = new Div();
    private final H2 paramsHeading = new H2("Parameters");

    public RunFormView(RunService runs, DatasetService datasets, EndpointService endpointService) {
        this.runs = runs;
        this.datasets = datasets;
        this.endpoints = endpointService.list();
        setMaxWidth("64rem");

        method.setLabel("Method");
        method.setId("run-method");
        method.setItems(runs.methods());
        method.setItemLabelGenerator(Method::label);
        method.addValueChangeListener(e -> methodChanged());
        preset.setLabel("Preset");
        preset.setId("run-preset");
        preset.setItemLabelGenerator(p -> p.label() + " (" + p.id() + " v" + p.version() + ")");
        preset.addValueChangeListener(e -> description.setText(
                e.getValue() == null
                        ? ""
                        : method.getValue().description() + " Preset: "
                                + e.getValue().description()));

        dataset.setLabel("Dataset");
        dataset.setId("run-dataset");
        dataset.setItems(datasets.list());
        dataset.setItemLabelGenerator(DatasetSummary::name);
        dataset.addValueChangeListener(e -> datasetChanged());
        version.setLabel("Version");
        version.setItemLabelGenerator(v -> "v" + v.version() + " (" + v.itemCount() + " items)");
        split.setLabel("Split");
        split.setId("run-split");
        split.setItems("test", "train", "dev");
        offset.setValue(0);
        offset.setMin(0);
        offset.setId("run-offset");
        limit.setId("run-limit");
        limit.setMin(1);
        concurrency.setValue(16);
        concurrency.setMin(1);
        concurrency.setMax(1024);
        concurrency.setId("run-concurrency");
        concurrency.setHelperText("Model calls in flight at once for this run; each endpoint's own limits apply too.");
        name.setId("run-name");
        errors.setId("run-errors");
        errors.addClassName("text-error");

        Button launch = new Button("Launch run", click -> launch());
        launch.setId("launch-run");
        launch.addThemeVariants(ButtonVariant.LUMO_PRIMARY);

        FormLayout methodForm = new FormLayout(method, preset);
        FormLayout data = new FormLayout(dataset, version, split, offset, limit, concurrency);
        FormLayout decoding = new FormLayout(temperature, topP, maxTokens, stop, seed, name);
        add(
                new H1("New run"),
                errors,
                methodForm,
                description,
                new H2("Models"),
                roleFields,
                new H2("Data"),
                data,
                paramsHeading,
                paramFields,
                new H2("Decoding (overrides the preset for every call)"),
                decoding,
                launch);
        if (!runs.methods().isEmpty()) {
            method.setValue(runs.methods().stream()
                    .filter(m -> m.id().equals("trace-of-thought"))
                    .findFirst()
                    .orElse(runs.methods().getFirst()));
        }
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        UrlState url = UrlState.of(event.getLocation());
        url.get("method")
                .flatMap(id ->
                        runs.methods().stream().filter(m -> m.id().equals(id)).findFirst())
                .ifPresent(method::setValue);
        roleSelects.forEach((role, select) -> url.get(role.id())
                .flatMap(id -> endpoints.stream()
                        .filter(e -> e.id().toString().equals(id))
                        .findFirst())
                .ifPresent(select::setValue));
    }

    private void methodChanged() {
        Method m = method.getValue();
        if (m == null) {
            return;
        }
        preset.setItems(m.presets());
        preset.setValue(m.presets().getFirst());
        split.setValue(m.defaultSplit());
        roleFields.removeAll();
        roleSelects.clear();
        for (ModelRole role : Arrays.stream(ModelRole.values())
                .filter(r -> m.roles().contains(r))
                .toList()) {
            Select<EndpointDetails> select = new Select<>();
            select.setLabel(capitalise(role.id()));
            select.setId("run-role-" + role.id());
            select.setItems(endpoints);
            select.setItemLabelGenerator(e -> e.name() + " (" + e.model() + ")");
            select.setEmptySelectionAllowed(false);
            roleSelects.put(role, select);
            roleFields.add(select);
        }
        if (!m.roles().contains(ModelRole.EXTRACTOR)) {
            // Optional for every method: the answer of each prediction read by a model (Kojima et al.'s second call)
            Select<EndpointDetails> extractor = new Select<>();
            extractor.setLabel("Answer extraction by a model (optional)");
            extractor.setId("run-role-extractor");
            extractor.setItems(endpoints);
            extractor.setItemLabelGenerator(
                    e -> e == null ? "Off: the grader's rules read the answer" : e.name() + " (" + e.model() + ")");
            extractor.setEmptySelectionAllowed(true);
            extractor.setEmptySelectionCaption("Off: the grader's rules read the answer");
            extractor.setHelperText("Adds one call per prediction: \"Therefore, the answer is\", greedy, 32 tokens; "
                    + "what it answers is graded. Stored, cached and costed like any call.");
            roleSelects.put(ModelRole.EXTRACTOR, extractor);
            roleFields.add(extractor);
        }
        if (endpoints.isEmpty()) {
            roleFields.add(new Paragraph("Register an endpoint first (Endpoints)."));
        }
        paramFields.removeAll();
        paramInputs.clear();
        for (ParamSpec spec : m.params()) {
            Component field = paramField(spec);
            paramFields.add(field);
        }
        paramsHeading.setVisible(!m.params().isEmpty());
    }

    private Component paramField(ParamSpec spec) {
        HasValue<?, ?> input;
        Component component;
        switch (spec.type()) {
            case INTEGER -> {
                IntegerField f = new IntegerField(spec.label());
                if (spec.defaultValue() instanceof Number n) {
                    f.setValue(n.intValue());
                }
                f.setHelperText(spec.help());
                input = f;
                component = f;
            }
            case NUMBER -> {
                NumberField f = new NumberField(spec.label());
                if (spec.defaultValue() instanceof Number n) {
                    f.setValue(n.doubleValue());
                }
                f.setHelperText(spec.help());
                input = f;
                component = f;
            }
            case BOOLEAN -> {
                Checkbox f = new Checkbox(spec.label(), Boolean.TRUE.equals(spec.defaultValue()));
                input = f;
                component = f;
            }
            case CHOICE -> {
                Select<String> f = new Select<>();
                f.setLabel(spec.label());
                f.setItems(spec.options());
                if (spec.defaultValue() != null) {
                    f.setValue(spec.defaultValue().toString());
                }
                f.setHelperText(spec.help());
                input = f;
                component = f;
            }
            default -> {
                TextField f = new TextField(spec.label());
                f.setValue(
                        spec.defaultValue() == null ? "" : spec.defaultValue().toString());
                f.setHelperText(spec.help());
                input = f;
                component = f;
            }
        }
        component.setId("run-param-" + spec.name());
        paramInputs.put(spec.name(), input);
        return component;
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

    private void launch() {
        errors.removeAll();
        if (method.getValue() == null || dataset.getValue() == null) {
            errors.add(new Paragraph("Choose a method and a dataset."));
            return;
        }
        Map<ModelRole, UUID> roles = new EnumMap<>(ModelRole.class);
        roleSelects.forEach((role, select) -> {
            if (select.getValue() != null) {
                roles.put(role, select.getValue().id());
            }
        });
        Map<String, Object> params = new LinkedHashMap<>();
        paramInputs.forEach((key, input) -> {
            Object value = input.getValue();
            if (value != null && !(value instanceof String s && s.isBlank())) {
                params.put(key, value);
            }
        });
        List<String> stops = stop.getValue().isBlank()
                ? List.of()
                : Arrays.stream(stop.getValue().split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList();
        try {
            RunDetails run = runs.launch(new RunDraft(
                    name.getValue(),
                    method.getValue().id(),
                    preset.getValue() == null ? null : preset.getValue().id(),
                    dataset.getValue().id(),
                    version.getValue() == null ? null : version.getValue().version(),
                    split.getValue(),
                    offset.getValue() == null ? 0 : offset.getValue(),
                    limit.getValue(),
                    roles,
                    params,
                    new Decoding(
                            temperature.getValue(), topP.getValue(), maxTokens.getValue(), stops, seed.getValue(), 1),
                    concurrency.getValue() == null ? 16 : concurrency.getValue(),
                    seed.getValue()));
            getUI().ifPresent(ui -> ui.navigate(
                    RunView.class, new RouteParameters("runId", run.id().toString())));
        } catch (InvalidInputException e) {
            e.errors().forEach(err -> errors.add(new Paragraph(err.describe())));
        }
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
