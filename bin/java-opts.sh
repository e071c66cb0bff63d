# Sourced by bin/tokengate and the bench/ scripts: the gateway's default JVM options, so a benchmark measures what
# `bin/tokengate serve` runs. TOKENGATE_JAVA_OPTS, when set, replaces them all. Why each (docs/PERFORMANCE.md, "Memory"):
#   -XX:+UseParallelGC       the collector (TOKENGATE_GC=parallel, the default): on 2 cores it costs less CPU per request
#                            than G1, and its two threads keep young pauses short, which is where a one-connection p99
#                            lives. TOKENGATE_GC=serial gives -XX:+UseSerialGC instead, the choice for many thousands of
#                            open streams on few shared cores: ParallelGC's two threads wait for each other whenever one
#                            is descheduled, and cost 4 times the collector CPU per relayed chunk at 5,000 streams (0.35
#                            against 1.34 µs); per request at 64 connections the two are alike within noise, the
#                            one-connection p99 was 0.25 to 0.47 ms worse on SerialGC (docs/PERFORMANCE.md, "Session 9:
#                            the collector").
#   -Xms128m -Xmx640m -XX:NewSize=43m -XX:MaxNewSize=43m -XX:-UseAdaptiveSizePolicy -XX:+AlwaysPreTouch
#                            a 128m heap, touched at start, that grows only when live data needs it (thousands of
#                            open streams), up to 640m. Without the adaptive size policy ParallelGC enlarges the old
#                            generation only when what survives does not fit, never to cut collection time: with the
#                            policy on (-Xms64m -Xmx192m) RSS crept up by about 1.2 MB a minute, the old generation
#                            growing page by page towards -Xmx (SerialGC has no such policy). The young generation
#                            is fixed at the 43m it has in a 128m heap (twice that halves the collections but each
#                            takes longer: no gain). At 64 connections the heap stays at 123 MB (live set about
#                            20 MB, mostly the tokenizer's 6 MB table and the JIT's classes) and RSS as with the old
#                            fixed -Xmx128m
#                            (docs/PERFORMANCE.md, "Session 6"). Concurrent SSE streams cost about 22 KB of heap each
#                            (Vert.x/Netty connection and stream state): 10,000 need about 250 MB live, which 640m
#                            carries. The local ONNX embedding model loads outside the heap.
#   -XX:TrimNativeHeapInterval=10000  hands memory glibc malloc keeps after the JIT's bursts back to the OS every 10 s
#                            (about 40 MB less RSS under load)
#   -XX:ReservedCodeCacheSize=64m  the JIT's code cache (240 MB reserved by default; the gateway uses about 25 MB)
#   -XX:MaxDirectMemorySize  caps Netty's direct buffers
#   -Xss512k                 thread stacks (the event loops never recurse deeply)
#   -XX:+UseTransparentHugePages  (where the kernel's THP mode is madvise or always) backs the heap with 2 MB pages:
#                            touching the 128m heap at start takes 64 page faults instead of 32,768, and on this
#                            project's VMs a fault on memory the guest never used is slow (heap set-up took 0.48 s
#                            with 4 KB pages, 0.08 to 0.18 s with 2 MB ones): /ready 0.3 to 0.4 s sooner, peak RSS the same,
#                            CPU per request alike within noise (docs/PERFORMANCE.md, "Session 12: cold start, huge pages")
#   -XX:+UseCompactObjectHeaders  (JDK 25 and later, JEP 519) 8-byte object headers instead of 12: less heap per
#                            open stream and per request, and about 4% less CPU per request in an A/B (PERFORMANCE.md,
#                            "Session 6: JVM options")
jdk_feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null)
compact_headers=""
[ "${jdk_feature:-0}" -ge 25 ] 2>/dev/null && compact_headers=" -XX:+UseCompactObjectHeaders"
huge_pages=""
case "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)" in
  *"[madvise]"*|*"[always]"*) huge_pages=" -XX:+UseTransparentHugePages" ;;
esac
case "${TOKENGATE_GC:-parallel}" in
  parallel) gc_opts="-XX:+UseParallelGC -XX:-UseAdaptiveSizePolicy" ;;
  serial) gc_opts="-XX:+UseSerialGC" ;;
  *) echo "TOKENGATE_GC must be parallel or serial, not '$TOKENGATE_GC'" >&2; exit 2 ;;
esac
export TOKENGATE_JAVA_OPTS="${TOKENGATE_JAVA_OPTS:-$gc_opts -Xms128m -Xmx640m -XX:NewSize=43m -XX:MaxNewSize=43m -XX:+AlwaysPreTouch -XX:TrimNativeHeapInterval=10000 -XX:MaxDirectMemorySize=128m -XX:ReservedCodeCacheSize=64m -Xss512k$huge_pages$compact_headers}"
# the io_uring ring sizes the gateway sets for itself (app.VertxTuning), for the bench tools that run on io_uring next to it
export IO_URING_RINGS="-Dio.netty.iouring.ringSize=4096 -Dio.netty.iouring.cqSize=65536"
# glibc makes up to 8 malloc arenas per core, each keeping what it once held; 2 are plenty for a JVM (set unless given)
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# Start-up caches. On JDK 25 and later, the ahead-of-time cache (JEPs 483, 514, 515): a run without a cache newer than
# the jar is a training run (-XX:AOTCacheOutput) and writes target/tokengate-<options>.aot when it exits (a few seconds after
# the signal; a run killed with -9 writes nothing and the next one trains again); later runs map it and start with
# the classes already loaded and linked and the training run's method profiles: /ready about 20% sooner than with
# AppCDS (docs/PERFORMANCE.md, "Cold start"). A cache the JVM cannot use (other GC, other jar) is ignored silently.
# On JDK 21 to 24: class data sharing (AppCDS), the first run writes target/tokengate.jsa at exit, later runs map it
# (about 30% faster than nothing). Only start-up changes. TOKENGATE_CDS_OPTS="" turns both off.
# Needs $root (the checkout) set by the sourcing script; source this after building the jar, so the age check sees it.
if [ -z "${TOKENGATE_CDS_OPTS+set}" ]; then
  # the JVM ignores a cache made under other options (GC, heap, object headers) without a word, so the cache's name
  # carries a checksum of the options: new options train a cache of their own
  aot="$root/target/tokengate-$(printf '%s' "$TOKENGATE_JAVA_OPTS" | cksum | cut -d' ' -f1).aot"
  if [ "${jdk_feature:-0}" -ge 25 ] 2>/dev/null; then
    if [ -f "$aot" ] && [ "$aot" -nt "$root/target/tokengate.jar" ]; then
      TOKENGATE_CDS_OPTS="-XX:AOTCache=$aot -Xlog:aot*=off -Xlog:cds*=off"
    else
      TOKENGATE_CDS_OPTS="-XX:AOTCacheOutput=$aot -Xlog:aot*=off -Xlog:cds*=off"
    fi
  else
    TOKENGATE_CDS_OPTS="-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$root/target/tokengate.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
fi
export TOKENGATE_CDS_OPTS
