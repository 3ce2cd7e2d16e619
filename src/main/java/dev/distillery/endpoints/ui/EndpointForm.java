package dev.distillery.endpoints.ui;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.BigDecimalField;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import dev.distillery.endpoints.ApiStyle;
import dev.distillery.endpoints.EndpointDetails;
import dev.distillery.endpoints.EndpointDraft;
import dev.distillery.shared.InvalidInputException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The fields of an endpoint; turns them into a draft and shows the service's field errors next to each field. */
class EndpointForm extends FormLayout {

    final TextField name = field(new TextField("Name"), "endpoint-name");
    final TextField baseUrl = field(new TextField("Base URL"), "endpoint-base-url");
    final TextField model = field(new TextField("Model"), "endpoint-model");
    final PasswordField apiKey = field(new PasswordField("API key"), "endpoint-api-key");
    final Select<ApiStyle> apiStyle = new Select<>();
    final TextArea headers = field(new TextArea("Extra headers"), "endpoint-headers");
    final NumberField temperature = field(new NumberField("Temperature"), "endpoint-temperature");
    final NumberField topP = field(new NumberField("top_p"), "endpoint-top-p");
    final IntegerField maxTokens = field(new IntegerField("Max tokens"), "endpoint-max-tokens");
    final TextArea stop = field(new TextArea("Stop sequences"), "endpoint-stop");
    final IntegerField maxConcurrency = field(new IntegerField("Max concurrent requests"), "endpoint-concurrency");
    final IntegerField rpm = field(new IntegerField("Requests per minute"), "endpoint-rpm");
    final IntegerField tpm = field(new IntegerField("Tokens per minute"), "endpoint-tpm");
    final IntegerField timeout = field(new IntegerField("Timeout (seconds)"), "endpoint-timeout");
    final BigDecimalField priceIn = field(new BigDecimalField("Price per 1M input tokens"), "endpoint-price-in");
    final BigDecimalField priceOut = field(new BigDecimalField("Price per 1M output tokens"), "endpoint-price-out");
    final TextField sizeLabel = field(new TextField("Size label"), "endpoint-size");
    final NumberField parameters = field(new NumberField("Parameters (billions)"), "endpoint-parameters");

    private final boolean editing;

    EndpointForm(@Nullable EndpointDetails existing) {
        this.editing = existing != null;
        baseUrl.setPlaceholder("http://localhost:11434/v1");
        baseUrl.setHelperText("OpenAI-compatible: OpenAI, vLLM, Ollama, llama.cpp server, …");
        model.setPlaceholder("llama3.1:8b");
        apiStyle.setLabel("API");
        apiStyle.setId("endpoint-api-style");
        apiStyle.setItems(ApiStyle.values());
        apiStyle.setItemLabelGenerator(
                s -> s == ApiStyle.CHAT ? "Chat (/v1/chat/completions)" : "Completions (/v1/completions)");
        apiStyle.setValue(ApiStyle.CHAT);
        apiKey.setHelperText("Optional for local servers. Stored encrypted; never shown again.");
        headers.setHelperText(
                editing
                        ? "Leave empty to keep the stored headers; one 'Name: value' per line replaces them."
                        : "One 'Name: value' per line. Values are stored encrypted.");
        stop.setHelperText("One per line, up to 4.");
        maxConcurrency.setValue(EndpointDraft.Limits.defaults().maxConcurrency());
        maxConcurrency.setMin(1);
        timeout.setValue(EndpointDraft.DEFAULT_TIMEOUT_SECONDS);
        // Providers count per key: endpoints with this base URL and key share one pace and one declared limit.
        rpm.setHelperText(
                "Your provider's limit for this key, shared with its other endpoints here. Empty: learned from the provider");
        tpm.setHelperText("Shared like requests per minute. Empty: learned from the provider");
        sizeLabel.setPlaceholder("7B");
        if (existing != null) {
            name.setValue(existing.name());
            baseUrl.setValue(existing.baseUrl());
            model.setValue(existing.model());
            apiStyle.setValue(existing.apiStyle());
            headers.setPlaceholder(String.join(", ", existing.headerNames()));
            temperature.setValue(existing.defaults().temperature());
            topP.setValue(existing.defaults().topP());
            maxTokens.setValue(existing.defaults().maxTokens());
            stop.setValue(String.join("\n", existing.defaults().stop()));
            maxConcurrency.setValue(existing.limits().maxConcurrency());
            rpm.setValue(existing.limits().rpm());
            tpm.setValue(existing.limits().tpm());
            timeout.setValue(existing.timeoutSeconds());
            priceIn.setValue(existing.pricing().inputPerMillion());
            priceOut.setValue(existing.pricing().outputPerMillion());
            sizeLabel.setValue(existing.sizeLabel() == null ? "" : existing.sizeLabel());
            parameters.setValue(existing.parameterCountBillions());
        }
        add(name, model, baseUrl, apiStyle, apiKey);
        if (editing) {
            apiKey.setHelperText("Leave empty to keep the stored key. Required when the base URL moves to another "
                    + "server: a key is only ever sent to the server it was given for.");
        }
        add(
                headers,
                temperature,
                topP,
                maxTokens,
                stop,
                maxConcurrency,
                rpm,
                tpm,
                timeout,
                priceIn,
                priceOut,
                sizeLabel,
                parameters);
        setColspan(baseUrl, 2);
        setColspan(headers, 2);
    }

    EndpointDraft draft() {
        return new EndpointDraft(
                name.getValue(),
                baseUrl.getValue(),
                model.getValue(),
                apiKey.getValue(),
                apiStyle.getValue() == null ? ApiStyle.CHAT : apiStyle.getValue(),
                parseHeaders(),
                new EndpointDraft.Decoding(
                        temperature.getValue(), topP.getValue(), maxTokens.getValue(), lines(stop.getValue())),
                new EndpointDraft.Limits(
                        maxConcurrency.getValue() == null ? 0 : maxConcurrency.getValue(),
                        rpm.getValue(),
                        tpm.getValue()),
                timeout.getValue() == null ? 0 : timeout.getValue(),
                new EndpointDraft.Pricing(priceIn.getValue(), priceOut.getValue()),
                sizeLabel.getValue(),
                parameters.getValue());
    }

    /** The key to store when editing, or null to keep the stored one. */
    @Nullable
    String changedKey() {
        return apiKey.getValue().isBlank() ? null : apiKey.getValue();
    }

    /** The headers to store when editing, or null to keep the stored ones. */
    @Nullable
    Map<String, String> changedHeaders() {
        return headers.getValue().isBlank() ? null : parseHeaders();
    }

    /** Marks each field the service refused; returns whether any error was placed. */
    boolean show(InvalidInputException e) {
        clearErrors();
        boolean placed = false;
        for (var error : e.errors()) {
            HasValidation target = switch (error.field()) {
                case "name" -> name;
                case "baseUrl" -> baseUrl;
                case "model" -> model;
                case "apiKey" -> apiKey;
                case "headers" -> headers;
                case "defaults.temperature" -> temperature;
                case "defaults.topP" -> topP;
                case "defaults.maxTokens" -> maxTokens;
                case "defaults.stop" -> stop;
                case "limits.maxConcurrency" -> maxConcurrency;
                case "limits.rpm" -> rpm;
                case "limits.tpm" -> tpm;
                case "timeoutSeconds" -> timeout;
                case "pricing" -> priceIn;
                case "sizeLabel" -> sizeLabel;
                case "parameterCountBillions" -> parameters;
                default -> null;
            };
            if (target != null) {
                target.setErrorMessage(error.message());
                target.setInvalid(true);
                placed = true;
            }
        }
        return placed;
    }

    void clearErrors() {
        for (HasValidation f : List.<HasValidation>of(
                name,
                baseUrl,
                model,
                apiKey,
                headers,
                temperature,
                topP,
                maxTokens,
                stop,
                maxConcurrency,
                rpm,
                tpm,
                timeout,
                priceIn,
                sizeLabel,
                parameters)) {
            f.setInvalid(false);
        }
    }

    private Map<String, String> parseHeaders() {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String line : lines(headers.getValue())) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new InvalidInputException(
                        "headers", "Write each header as 'Name: value' ('" + line + "' has no colon).");
            }
            parsed.put(
                    line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        return parsed;
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\\R")).filter(l -> !l.isBlank()).toList();
    }

    private static <T extends com.vaadin.flow.component.Component> T field(T component, String id) {
        component.setId(id);
        return component;
    }
}
