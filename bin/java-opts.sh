# Sourced by bin/tokengate and the bench/ scripts: the gateway's default JVM options, so a benchmark measures what
# `bin/tokengate serve` runs. TOKENGATE_JAVA_OPTS, when set, replaces them all. Why each (docs/PERFORMANCE.md, "Memory"):
#   -XX:+UseParallelGC       throughput collector; on 2 cores it costs less CPU per request than G1
#   -Xms64m -Xmx192m         a heap cap: uncapped, the JVM grows towards a quarter of RAM under load (0.4 to 2 GB RSS);
#                            with 256m RSS peaked at 305 MB at 64 connections, with 192m at 289 MB, same throughput
#   -XX:ReservedCodeCacheSize=64m  the JIT's code cache (240 MB reserved by default; the gateway uses far less)
#   -XX:MaxDirectMemorySize  caps Netty's direct buffers
#   -Xss512k                 thread stacks (the event loops never recurse deeply)
export TOKENGATE_JAVA_OPTS="${TOKENGATE_JAVA_OPTS:--XX:+UseParallelGC -Xms64m -Xmx192m -XX:MaxDirectMemorySize=128m -XX:ReservedCodeCacheSize=64m -Xss512k}"
# Class data sharing (AppCDS, JDK 19+): the first run writes target/tokengate.jsa at exit (the classes it loaded, already
# parsed and verified), later runs map it and start about 30% faster; a rebuilt jar makes the JVM write it anew.
# Only start-up changes. TOKENGATE_CDS_OPTS="" turns it off. Needs $root (the checkout) set by the sourcing script.
export TOKENGATE_CDS_OPTS="${TOKENGATE_CDS_OPTS--XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$root/target/tokengate.jsa -Xlog:cds=off -Xlog:cds+dynamic=off}"
