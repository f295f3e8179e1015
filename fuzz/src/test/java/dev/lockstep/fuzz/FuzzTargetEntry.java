package dev.lockstep.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The entry point Jazzer's standalone driver (OSS-Fuzz, ClusterFuzzLite) runs for every @FuzzTest
 * of this package: .clusterfuzzlite/build.sh writes one launcher per test that passes
 * {@code --target_class=dev.lockstep.fuzz.FuzzTargetEntry --target_args=Class#method}. One generic
 * entry keeps the tests the only place the checks are written, and keeps corpora interchangeable:
 * a byte[] test gets the whole input, a FuzzedDataProvider test the same provider, as in JUnit.
 *
 * <p>Not named *Test, so surefire does not run it.
 */
public final class FuzzTargetEntry {
    private static Object instance;
    private static Method method;
    private static boolean takesBytes;

    private FuzzTargetEntry() {
    }

    /** Called once by the driver with --target_args: the test as {@code Class#method}. */
    public static void fuzzerInitialize(String[] args) throws ReflectiveOperationException {
        if (args.length != 1 || !args[0].contains("#")) {
            throw new IllegalArgumentException("expected --target_args=Class#method, got " + List.of(args));
        }
        String[] parts = args[0].split("#", 2);
        Class<?> cls = Class.forName(FuzzTargetEntry.class.getPackageName() + "." + parts[0]);
        for (Class<?> type : List.of(byte[].class, FuzzedDataProvider.class)) {
            try {
                method = cls.getDeclaredMethod(parts[1], type);
                takesBytes = type == byte[].class;
                break;
            } catch (NoSuchMethodException tryTheOtherSignature) {
                // A fuzz test here takes byte[] or FuzzedDataProvider; the loop tries both.
            }
        }
        if (method == null) {
            throw new NoSuchMethodException(args[0] + "(byte[] or FuzzedDataProvider)");
        }
        method.setAccessible(true);
        var constructor = cls.getDeclaredConstructor();
        constructor.setAccessible(true);
        instance = constructor.newInstance();
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider data) throws Throwable {
        try {
            method.invoke(instance, takesBytes ? data.consumeRemainingAsBytes() : data);
        } catch (InvocationTargetException e) {
            // The test's own exception is the finding; the reflection wrapper would hide its stack.
            throw e.getCause();
        }
    }

    /**
     * Runs one test once without Jazzer: {@code java -cp ... dev.lockstep.fuzz.FuzzTargetEntry
     * Class#method [INPUT]}, on the empty input when INPUT is left out. A smoke check (the
     * simulated driver in ClusterFuzzLiteBuildTest uses it) and a way to replay a byte[] crash
     * input; FuzzedDataProvider tests take only the empty input here (replay those with
     * ./lockstep test after copying the input into the test's Inputs directory).
     */
    public static void main(String[] args) throws Throwable {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: FuzzTargetEntry Class#method [INPUT]");
            System.exit(2);
        }
        fuzzerInitialize(new String[] {args[0]});
        byte[] input = args.length == 2 ? Files.readAllBytes(Path.of(args[1])) : new byte[0];
        if (takesBytes) {
            invoke(input);
        } else if (input.length == 0) {
            invoke(emptyProvider());
        } else {
            System.err.println(args[0] + " takes a FuzzedDataProvider; replay its inputs with ./lockstep test");
            System.exit(2);
        }
        System.out.println(args[0] + ": ran once on " + input.length + " bytes, no finding");
    }

    private static void invoke(Object argument) throws Throwable {
        try {
            method.invoke(instance, argument);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * A provider with no bytes left, answering what Jazzer's answers then: the smallest value in
     * range, false, empty arrays and strings, the first element to pick.
     */
    private static FuzzedDataProvider emptyProvider() {
        return (FuzzedDataProvider) Proxy.newProxyInstance(FuzzTargetEntry.class.getClassLoader(),
                new Class<?>[] {FuzzedDataProvider.class}, (proxy, m, a) -> {
                    Class<?> r = m.getReturnType();
                    String name = m.getName();
                    if (name.equals("pickValue")) {
                        return a[0] instanceof Collection<?> c ? c.iterator().next() : java.lang.reflect.Array.get(a[0], 0);
                    }
                    if (name.equals("pickValues")) {
                        return List.of();
                    }
                    if (r == boolean.class) {
                        return false;
                    }
                    if (r.isPrimitive() && r != void.class) {
                        Object zero = switch (r.getName()) {
                            case "byte" -> (byte) 0;
                            case "short" -> (short) 0;
                            case "int" -> 0;
                            case "long" -> 0L;
                            case "char" -> (char) 0;
                            case "float" -> 0f;
                            default -> 0d;
                        };
                        // consumeInt(min, max) and the like answer min; the argument-less forms 0.
                        boolean ranged = a != null && a.length == 2 && a[0] != null && a[0].getClass() == zero.getClass();
                        return ranged ? a[0] : zero;
                    }
                    if (r == String.class) {
                        return "";
                    }
                    if (r.isArray()) {
                        return java.lang.reflect.Array.newInstance(r.getComponentType(), 0);
                    }
                    return null;
                });
    }
}
