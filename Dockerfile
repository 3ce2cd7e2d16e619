# Builds the production jar (frontend bundle included) and runs it on a JRE.
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml ./
COPY .mvn .mvn
COPY src src
COPY db db
COPY frontend frontend
RUN mvn -B -ntp -DskipTests package

FROM eclipse-temurin:25-jre
RUN useradd --system --create-home distillery
USER distillery
WORKDIR /app
COPY --from=build /src/target/distillery-*.jar /app/distillery.jar
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/distillery.jar"]
