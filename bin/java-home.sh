# Sourced by bin/ scripts and .ci/run: exports JAVA_HOME pointing at a JDK of at least 21.
# Order: $JAVA_HOME, then /usr/lib/jvm/temurin-25-jdk-amd64, then any /usr/lib/jvm/* that is new enough.
# The JDK's feature version ("25"; "1.8" for Java 8): from its release file when it has one (a JVM launch costs 0.1 to
# 0.2 s of every start), else by asking the JVM.
tokengate_java_version() {
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9.]*\).*/\1/p' "$1/release" 2>/dev/null | head -n1)
  case "$v" in
    1.*) echo "$v" | cut -d. -f1-2; return ;;
    [0-9]*) echo "${v%%.*}"; return ;;
  esac
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}
tokengate_find_jdk() {
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    v=$(tokengate_java_version "$candidate")
    case "$v" in ''|1.*) continue ;; esac
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  return 1
}
if ! TOKENGATE_JDK=$(tokengate_find_jdk); then
  echo "Tokengate needs a JDK of at least version 21, and none was found." >&2
  echo "Install one (for example Temurin 21 or 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$TOKENGATE_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
