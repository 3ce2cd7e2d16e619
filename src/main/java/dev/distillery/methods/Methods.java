package dev.distillery.methods;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The shipped methods (METHODS.md §1–§3): the Trace-of-Thought, Fine-tune-CoT and Socratic CoT protocols and their
 * baselines, with their presets and parameter validation.
 */
public final class Methods {

    private static final List<Method> ALL = List.of(
            SingleCallMethod.standard(),
            SingleCallMethod.zeroShot(),
            ZeroShotCot.create(),
            SingleCallMethod.planAndSolve(),
            FewShotCot.create(),
            TraceOfThought.create(),
            FineTuneCot.create(),
            FineTuneCotStudent.create(),
            SocraticCot.create(),
            SocraticInference.create(),
            SocraticPrompting.create());

    private static final Map<String, Method> BY_ID =
            ALL.stream().collect(Collectors.toUnmodifiableMap(Method::id, Function.identity()));

    private Methods() {}

    /** Every method, baselines first, in the order the run form lists them. */
    public static List<Method> all() {
        return ALL;
    }

    public static Optional<Method> byId(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    /**
     * A shipped preset of a method.
     *
     * @param presetId the preset's id, or null or blank for the method's default (its first) preset
     * @return empty when the method or the preset does not exist
     */
    /**
     * The method as a run with these roles uses it: wrapped in model-based answer extraction when the run gives an
     * endpoint to the {@link ModelRole#EXTRACTOR} role (an option every method offers), else as it is.
     */
    public static Method forRoles(Method method, java.util.Collection<ModelRole> roles) {
        return roles.contains(ModelRole.EXTRACTOR) && !method.roles().contains(ModelRole.EXTRACTOR)
                ? new AnswerExtraction(method)
                : method;
    }

    public static Optional<Preset> preset(String methodId, @Nullable String presetId) {
        return byId(methodId)
                .flatMap(method -> presetId == null || presetId.isBlank()
                        ? Optional.of(method.presets().getFirst())
                        : method.presets().stream()
                                .filter(preset -> preset.id().equals(presetId))
                                .findFirst());
    }

    /**
     * The parameter values a run uses: the method's declared defaults, overridden by the preset's values, overridden
     * by {@code given} (a null value there means "not set"). Values are checked and normalised to the declared type:
     * INTEGER to Integer (integral numbers and numeric strings accepted), NUMBER to Double, BOOLEAN to Boolean
     * ("true"/"false" accepted), TEXT and CHOICE to String; min, max and, where declared, options are enforced for every
     * type. Resolving resolved values gives them back unchanged.
     *
     * @return the values in declared order; parameters without a default and without a value are absent
     * @throws IllegalArgumentException naming the parameter: unknown to the method, of the wrong type, out of range or
     *     not among the options; or when the preset belongs to another method
     */
    public static Map<String, Object> resolveParams(Method method, Preset preset, Map<String, Object> given) {
        if (!preset.methodId().equals(method.id())) {
            throw new IllegalArgumentException("Preset '" + preset.id() + "' belongs to method '" + preset.methodId()
                    + "', not to '" + method.id() + "'");
        }
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        method.params().forEach(spec -> specs.put(spec.name(), spec));
        Map<String, Object> values = new LinkedHashMap<>();
        specs.values().stream()
                .filter(spec -> spec.defaultValue() != null)
                .forEach(spec -> values.put(spec.name(), spec.defaultValue()));
        overlay(values, preset.params(), specs, method);
        overlay(values, given, specs, method);
        Map<String, Object> resolved = new LinkedHashMap<>();
        for (ParamSpec spec : specs.values()) {
            Object value = values.get(spec.name());
            if (value != null) {
                resolved.put(spec.name(), checked(spec, value));
            }
        }
        return Collections.unmodifiableMap(resolved);
    }

    private static void overlay(
            Map<String, Object> values, Map<String, Object> overrides, Map<String, ParamSpec> specs, Method method) {
        overrides.forEach((name, value) -> {
            if (!specs.containsKey(name)) {
                throw new IllegalArgumentException("Unknown parameter '" + name + "' for method '" + method.id() + "'"
                        + (specs.isEmpty() ? ", which takes none" : "; it takes " + String.join(", ", specs.keySet())));
            }
            if (value != null) {
                values.put(name, value);
            }
        });
    }

    private static Object checked(ParamSpec spec, Object value) {
        Object typed = switch (spec.type()) {
            case INTEGER -> integer(spec, value);
            case NUMBER -> number(spec, value);
            case BOOLEAN -> bool(spec, value);
            case TEXT, CHOICE -> text(spec, value);
        };
        if (typed instanceof Number number) {
            double v = number.doubleValue();
            if (spec.min() != null && v < spec.min()) {
                throw invalid(spec, "must be at least " + plain(spec.min()) + ", got " + typed);
            }
            if (spec.max() != null && v > spec.max()) {
                throw invalid(spec, "must be at most " + plain(spec.max()) + ", got " + typed);
            }
        }
        boolean listed = spec.options().contains(String.valueOf(typed));
        if ((spec.type() == ParamSpec.Type.CHOICE || !spec.options().isEmpty()) && !listed) {
            throw invalid(spec, "must be one of " + String.join(", ", spec.options()) + ", got '" + typed + "'");
        }
        return typed;
    }

    private static Integer integer(ParamSpec spec, Object value) {
        try {
            BigDecimal decimal = switch (value) {
                case Integer i -> BigDecimal.valueOf(i);
                case Long l -> BigDecimal.valueOf(l);
                case Short s -> BigDecimal.valueOf(s);
                case Byte b -> BigDecimal.valueOf(b);
                case BigInteger b -> new BigDecimal(b);
                case BigDecimal d -> d;
                case Double d -> BigDecimal.valueOf(d);
                case Float f -> BigDecimal.valueOf(f.doubleValue());
                case String s -> new BigDecimal(s.strip());
                default -> throw invalid(spec, "must be an integer, got " + describe(value));
            };
            return decimal.intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw invalid(spec, "must be an integer, got " + describe(value));
        }
    }

    private static Double number(ParamSpec spec, Object value) {
        double number;
        try {
            number = switch (value) {
                case Number n -> n.doubleValue();
                case String s -> Double.parseDouble(s.strip());
                default -> throw invalid(spec, "must be a number, got " + describe(value));
            };
        } catch (NumberFormatException e) {
            throw invalid(spec, "must be a number, got " + describe(value));
        }
        if (!Double.isFinite(number)) {
            throw invalid(spec, "must be a finite number, got " + describe(value));
        }
        return number;
    }

    private static Boolean bool(ParamSpec spec, Object value) {
        return switch (value) {
            case Boolean b -> b;
            case String s when s.strip().toLowerCase(Locale.ROOT).equals("true") -> true;
            case String s when s.strip().toLowerCase(Locale.ROOT).equals("false") -> false;
            default -> throw invalid(spec, "must be true or false, got " + describe(value));
        };
    }

    private static String text(ParamSpec spec, Object value) {
        if (value instanceof String s) {
            return s;
        }
        throw invalid(spec, "must be text, got " + describe(value));
    }

    private static IllegalArgumentException invalid(ParamSpec spec, String why) {
        return new IllegalArgumentException("Parameter '" + spec.name() + "' " + why);
    }

    private static String describe(Object value) {
        return value instanceof String
                ? "'" + value + "'"
                : value + " (" + value.getClass().getSimpleName() + ")";
    }

    /** 1.0 as "1", 0.7 as "0.7": bounds read as the run form shows them. */
    private static String plain(double bound) {
        return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    }
}
