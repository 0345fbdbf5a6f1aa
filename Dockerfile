# JVM image: Maven builds the Quarkus application for Java 17 in the AOT jar layout; a Java 25 JRE runs
# it as a non-root user, from an AOT cache trained in this image (docs/OPERATIONS.md, "Start-up").
#   docker build -t credit-scorer:0.1.0 .
#   docker run --rm -p 8080:8080 -p 9000:9000 credit-scorer:0.1.0
# Models are baked in at /app/models; serve others by mounting a repository over it:
#   docker run --rm -p 8080:8080 -v "$PWD/models:/app/models:ro" credit-scorer:0.1.0
# (The cache was trained with the baked-in models: other models start correctly, a little less fast.)
# Native variant: Dockerfile.native. DockerfileTest and ImageLayoutIT check this file against the project.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
# The test classes hold the AOT training workload (delivery.AotTraining), run by the runtime stage.
RUN mvn -B -q package -DskipTests -Dquarkus.package.jar.type=aot-jar \
    && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/training.classpath

FROM eclipse-temurin:25-jre-noble
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin scorer \
    && mkdir -p /var/log/credit-scorer && chown 10001:10001 /var/log/credit-scorer
WORKDIR /app
# The application in layers, least often changed first: dependencies, then the application. Owned by
# root: the service reads /app and writes only to its volumes.
COPY --from=build /src/target/quarkus-app/lib/ /app/lib/
COPY --from=build /src/target/quarkus-app/quarkus-run.jar /app/quarkus-run.jar
COPY --from=build /src/target/quarkus-app/app/ /app/app/
COPY --from=build /src/target/quarkus-app/quarkus/ /app/quarkus/
# ONNX Runtime's native libraries, unpacked by the build: loaded in place, not unpacked into /tmp.
COPY --from=build /src/target/quarkus-app/native/ /app/native/
COPY models/ /app/models/
# The embedded feature-store snapshot (applicants A0000..A0999, scorer.features.snapshot).
COPY data/applicants.jsonl /app/data/applicants.jsonl
EXPOSE 8080 9000 9090
# G1 with a short pause goal: in a pod with less than 2 CPUs or 1792 MiB the JVM would pick the serial
# collector, whose full collections stop the service (docs/BENCHMARKS.md, "Load tests and soak").
# Out of memory, the process exits and Kubernetes restarts it: a JVM that limps on after an
# OutOfMemoryError may have lost any thread, so it must not keep answering. Half the container's memory
# for the heap: the rest holds the JVM's non-heap memory and ONNX Runtime with a quarter to spare
# (docs/CAPACITY.md, "Memory"). Native memory freed by the JIT compilers' peaks and by ONNX Runtime
# goes back to the system: glibc keeps what a thread frees in that thread's arena, so the JVM trims the
# native heap each second and two arenas serve all threads. A fixed threshold for G1's marking cycles:
# with its adaptive one, the decision store and caches (about 40 MB live) sat above the threshold of a
# heap this small, so G1 marked the old generation several times a second and reclaimed nothing. That
# spare CPU pays for a young generation capped at 32 MB and a heap shrunk after marking, which keep
# resident memory down. Regions of 2 MB: the decision store's 512 KB columns are then ordinary objects,
# not humongous ones that each take a whole region. A GC time goal of 20 % (GCTimeRatio=4, G1's default
# 12 is 8 %): G1 grew the heap to meet its goal in the first seconds of load, while code still compiles,
# and with the young generation capped the growth was old space kept for good (docs/CAPACITY.md, "A 512
# MiB container").
ENV JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+UseG1GC -XX:MaxGCPauseMillis=10 -XX:G1HeapRegionSize=2m -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=70 -XX:MaxNewSize=32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:GCTimeRatio=4 -XX:TrimNativeHeapInterval=1000 -XX:+ExitOnOutOfMemoryError -Dquarkus.http.host=0.0.0.0" \
    MALLOC_ARENA_MAX=2 \
    SCORER_REPOSITORY_PATH=/app/models \
    SCORER_AUDIT_PATH=/var/log/credit-scorer/decisions.log \
    SCORER_FEEDBACK_STORE_PATH=/var/log/credit-scorer/feedback \
    QUARKUS_LOG_CONSOLE_JSON_ENABLED=true
# The AOT cache (JEP 483, 514: classes loaded and linked ahead of time), trained here and not in
# the build stage because a cache fits only the JVM build that made it. The training starts the service
# from /app as the ENTRYPOINT does, with JAVA_OPTS, drives credit, V2 and gRPC calls through it, stops
# it (the JVM writes app.aot) and checks the cache with -XX:AOTMode=on. Its client is mounted from the
# build stage, not copied into the image.
RUN --mount=type=bind,from=build,source=/src/target,target=/build \
    --mount=type=bind,from=build,source=/root/.m2,target=/root/.m2 \
    java -cp "/build/test-classes:/build/classes:$(cat /build/training.classpath)" \
      io.creditscorer.delivery.AotTraining /app app.aot $JAVA_OPTS
USER 10001
# What the service writes: the audit log and the decision store; temporary files.
VOLUME ["/var/log/credit-scorer", "/tmp"]
# Run from /app as trained; -XX:AOTMode=on: a cache the JVM cannot use stops the start instead of
# leaving it slow unnoticed.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -XX:AOTCache=app.aot -XX:AOTMode=on -jar quarkus-run.jar"]
