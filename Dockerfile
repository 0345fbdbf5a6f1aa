# Multi-stage build of the JVM image. Build: docker build -t credit-scorer .
# Run:   docker run -p 8080:8080 -p 9000:9000 credit-scorer
# Models are baked in at /app/models; mount a volume there to serve others.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY models models
COPY data data
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin scorer
WORKDIR /app
COPY --from=build --chown=10001 /src/target/quarkus-app/ /app/
COPY --from=build --chown=10001 /src/models/ /app/models/
USER 10001
EXPOSE 8080 9000
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -Dquarkus.http.host=0.0.0.0" \
    SCORER_REPOSITORY_PATH=/app/models
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/quarkus-run.jar"]
