# JVM image: Maven builds the Quarkus fast-jar, a JRE runs it as a non-root user (docs/OPERATIONS.md).
#   docker build -t credit-scorer:0.1.0 .
#   docker run --rm -p 8080:8080 -p 9000:9000 credit-scorer:0.1.0
# Models are baked in at /app/models; serve others by mounting a repository over it:
#   docker run --rm -p 8080:8080 -v "$PWD/models:/app/models:ro" credit-scorer:0.1.0
# Native variant: Dockerfile.native. DockerfileTest checks this file against the project.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -Dmaven.test.skip=true

FROM eclipse-temurin:17-jre-noble
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin scorer \
    && mkdir -p /var/log/credit-scorer && chown 10001:10001 /var/log/credit-scorer
WORKDIR /app
# The fast-jar in layers, least often changed first: dependencies, then the application. Owned by
# root: the service reads /app and writes only to its volumes.
COPY --from=build /src/target/quarkus-app/lib/ /app/lib/
COPY --from=build /src/target/quarkus-app/quarkus-run.jar /app/quarkus-run.jar
COPY --from=build /src/target/quarkus-app/app/ /app/app/
COPY --from=build /src/target/quarkus-app/quarkus/ /app/quarkus/
COPY models/ /app/models/
# The embedded feature-store snapshot (applicants A0000..A0999, scorer.features.snapshot).
COPY data/applicants.jsonl /app/data/applicants.jsonl
USER 10001
EXPOSE 8080 9000 9090
# G1 with a short pause goal: in a pod with less than 2 CPUs or 1792 MiB the JVM would pick the serial
# collector, whose full collections stop the service (docs/BENCHMARKS.md, "Load tests and soak").
# Out of memory, the process exits and Kubernetes restarts it: a JVM that limps on after an
# OutOfMemoryError may have lost any thread, so it must not keep answering. Half the container's memory
# for the heap: the rest holds the JVM's non-heap memory and ONNX Runtime with a quarter to spare
# (docs/CAPACITY.md, "Memory").
ENV JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+UseG1GC -XX:MaxGCPauseMillis=10 -XX:+ExitOnOutOfMemoryError -Dquarkus.http.host=0.0.0.0" \
    SCORER_REPOSITORY_PATH=/app/models \
    SCORER_AUDIT_PATH=/var/log/credit-scorer/decisions.log \
    SCORER_FEEDBACK_STORE_PATH=/var/log/credit-scorer/feedback \
    QUARKUS_LOG_CONSOLE_JSON_ENABLED=true
# What the service writes: the audit log and the decision store; ONNX Runtime's unpacked libraries.
VOLUME ["/var/log/credit-scorer", "/tmp"]
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/quarkus-run.jar"]
