#!/bin/bash -eu
# ClusterFuzzLite/OSS-Fuzz build for Lockstep's JVM fuzzers, after the OSS-Fuzz JVM conventions:
# build the reactor with Maven, copy the jars into $OUT, and write into $OUT, for every @FuzzTest
# method of fuzz/src/test/java/dev/lockstep/fuzz, an executable launcher named Class_method that
# runs Jazzer's jazzer_driver on dev.lockstep.fuzz.FuzzTargetEntry with --target_args=Class#method,
# plus a seed corpus zip made of the test's committed regression inputs.
#
# Inputs: $SRC (the repository is $SRC/lockstep), $OUT, $WORK; optional $MVN (default mvn; extra
# Maven flags may ride along, e.g. "mvn -o"), $JAZZER_API_PATH and $JVM_LD_LIBRARY_PATH as the
# base-builder-jvm image sets them. fuzz/src/test/java/.../ClusterFuzzLiteBuildTest.java runs this
# script in temporary directories with a simulated jazzer_driver.

# OSS-Fuzz runs this with bash -eu, but a plain `bash build.sh` ignores the shebang's flags.
set -eu

REPO="$SRC/lockstep"
MVN="${MVN:-mvn}"
FUZZ_SRC="$REPO/fuzz/src/test/java/dev/lockstep/fuzz"
INPUTS="$REPO/fuzz/src/test/resources/dev/lockstep/fuzz"

cd "$REPO"
# package (not install): nothing outside $SRC, $OUT and $WORK is written but Maven's own repository.
$MVN -B -q -pl fuzz -am package dependency:copy-dependencies -DskipTests -DincludeScope=test \
    -DoutputDirectory="$WORK/lockstep-deps"

# The project's jars, their dependencies, and the fuzz tests (test classes are not jarred by Maven).
# Jazzer's own jars stay out: the driver brings its agent and API, and a second copy would clash.
for m in models reports bench; do
    cp "$REPO/$m"/target/lockstep-"$m"-*.jar "$OUT/"
done
for j in "$WORK"/lockstep-deps/*.jar; do
    case "$(basename "$j")" in
        jazzer-*.jar|lockstep-*.jar) ;;
        *) cp "$j" "$OUT/" ;;
    esac
done
jar --create --file "$OUT/lockstep-fuzz-tests.jar" -C "$REPO/fuzz/target/test-classes" dev

# Every jar in $OUT but Jazzer's own (base-builder-jvm puts jazzer_agent_deploy.jar there).
ALL_JARS=$(cd "$OUT" && ls *.jar | grep -v '^jazzer' | sort | tr '\n' ' ')
RUNTIME_CLASSPATH=$(printf '$this_dir/%s:' $ALL_JARS)'$this_dir'

# Every Class#method whose method carries @FuzzTest (the same rule as ./lockstep jazzer --list),
# except the *LinkFuzzTest classes: they drive the host agent, which needs kernel sources to build.
targets=$(for f in "$FUZZ_SRC"/*.java; do
    case "$f" in *LinkFuzzTest.java) continue ;; esac
    awk -v cls="$(basename "$f" .java)" '
        /^[ \t]*@FuzzTest/ { armed = 1; next }
        armed && match($0, /void [A-Za-z0-9_]+\(/) { print cls "#" substr($0, RSTART + 5, RLENGTH - 6); armed = 0 }' "$f"
done)

for target in $targets; do
    cls="${target%%#*}"
    method="${target#*#}"
    name="${cls}_${method}"
    # The comment naming LLVMFuzzerTestOneInput is how OSS-Fuzz's tooling recognises a fuzzer
    # launcher; the memory settings are the ones OSS-Fuzz JVM projects use (smaller for -runs).
    cat > "$OUT/$name" <<LAUNCHER
#!/bin/bash
# LLVMFuzzerTestOneInput for fuzzer detection.
# Lockstep fuzz test $target, run by Jazzer through dev.lockstep.fuzz.FuzzTargetEntry.
this_dir=\$(dirname "\$0")
if [[ "\$*" =~ (^| )-runs=[0-9]+(\$| ) ]]; then
  mem_settings='-Xmx1900m:-Xss900k'
else
  mem_settings='-Xmx2048m:-Xss1024k'
fi
LD_LIBRARY_PATH="${JVM_LD_LIBRARY_PATH:-}":\$this_dir \\
\$this_dir/jazzer_driver --agent_path=\$this_dir/jazzer_agent_deploy.jar \\
  --cp=$RUNTIME_CLASSPATH \\
  --target_class=dev.lockstep.fuzz.FuzzTargetEntry \\
  --target_args=$target \\
  --jvm_args="\$mem_settings" \\
  "\$@"
LAUNCHER
    chmod +x "$OUT/$name"
    # The committed regression inputs start the fuzzer where the JUnit runs left off.
    if [ -d "$INPUTS/${cls}Inputs/$method" ] && [ -n "$(ls -A "$INPUTS/${cls}Inputs/$method")" ]; then
        rm -f "$OUT/${name}_seed_corpus.zip"
        (cd "$INPUTS/${cls}Inputs/$method" && zip -q -j "$OUT/${name}_seed_corpus.zip" ./*)
    fi
done
