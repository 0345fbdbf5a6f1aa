package io.creditscorer.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.TestModels;
import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.SessionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {

  @TempDir Path tmp;

  ModelRepository open(Path root, RepositorySettings.VersionPolicy policy, int latest) {
    return new ModelRepository(
        new RepositorySettings(root, policy, latest, 2), SessionSettings.defaults());
  }

  @Test
  void loadsGoodVersionsAndRefusesBadOnesWithTheirReason() throws Exception {
    Path root = TestModels.writeRepository(tmp.resolve("repo"));
    try (ModelRepository repo = open(root, RepositorySettings.VersionPolicy.ALL, 1)) {
      assertFalse(repo.isReady(), "not ready before loading");
      repo.loadAll();
      assertTrue(repo.isReady());
      assertEquals(List.of("credit-risk", "echo"), List.copyOf(repo.models().keySet()));
      assertEquals(
          List.of("1", "2"), List.copyOf(repo.models().get("credit-risk").versions().keySet()));
      assertTrue(
          repo.failures().get("broken/1").toLowerCase().contains("protobuf")
              || repo.failures().get("broken/1").toLowerCase().contains("load"),
          repo.failures().toString());
      assertTrue(
          repo.failures().get("broken/2").contains("declared FP64 but the graph has FP32"),
          repo.failures().toString());
      ScoringException e = assertThrows(ScoringException.class, () -> repo.resolve("broken", "2"));
      assertEquals(ScoringException.Kind.NOT_READY, e.kind());
      assertEquals(
          ScoringException.Kind.NOT_FOUND,
          assertThrows(ScoringException.class, () -> repo.resolve("broken", null)).kind());
      assertEquals(
          ScoringException.Kind.NOT_FOUND,
          assertThrows(ScoringException.class, () -> repo.resolve("credit-risk", "3")).kind());
      assertEquals("2", repo.resolve("credit-risk", null).version());
    }
  }

  @Test
  void aModelWithoutDescriptorIsServedFromItsGraph() throws Exception {
    Path root = TestModels.writeRepository(tmp.resolve("repo"));
    try (ModelRepository repo = open(root, RepositorySettings.VersionPolicy.ALL, 1)) {
      repo.loadAll();
      ModelVersion echo = repo.resolve("echo", "1");
      assertEquals(6, echo.inputs().size());
      assertEquals(
          DataType.BOOL,
          echo.inputs().stream()
              .filter(t -> t.name().equals("x_bool"))
              .findFirst()
              .orElseThrow()
              .datatype());
      assertTrue(echo.credit().isEmpty());
      assertEquals(-1, echo.inputs().get(0).shape()[0]);
    }
  }

  @Test
  void latestPolicyKeepsTheHighestVersionsNumerically() throws Exception {
    Path root = tmp.resolve("repo");
    byte[] echo = TestModels.echoModel().toByteArray();
    for (String v : new String[] {"2", "9", "10"}) {
      Files.createDirectories(root.resolve("echo").resolve(v));
      Files.write(root.resolve("echo").resolve(v).resolve("model.onnx"), echo);
    }
    try (ModelRepository repo = open(root, RepositorySettings.VersionPolicy.LATEST, 2)) {
      repo.loadAll();
      assertEquals(List.of("9", "10"), List.copyOf(repo.models().get("echo").versions().keySet()));
      assertEquals("10", repo.resolve("echo", null).version());
    }
  }

  @Test
  void descriptorNamingAnotherModelIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("repo/echo/1"));
    Files.write(dir.resolve("model.onnx"), TestModels.echoModel().toByteArray());
    Files.writeString(dir.resolve("model.json"), "{\"name\": \"other\"}");
    try (ModelRepository repo =
        open(tmp.resolve("repo"), RepositorySettings.VersionPolicy.ALL, 1)) {
      repo.loadAll();
      assertFalse(repo.isReady());
      assertTrue(repo.failures().get("echo/1").contains("names model 'other'"));
    }
  }

  @Test
  void descriptorWithAnUnknownFieldOrMissingGraphInputIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("repo/echo/1"));
    Files.write(dir.resolve("model.onnx"), TestModels.echoModel().toByteArray());
    Files.writeString(dir.resolve("model.json"), "{\"inputz\": []}");
    Path dir2 = Files.createDirectories(tmp.resolve("repo/echo/2"));
    Files.write(dir2.resolve("model.onnx"), TestModels.echoModel().toByteArray());
    Files.writeString(
        dir2.resolve("model.json"),
        "{\"inputs\": [{\"name\": \"x_fp32\", \"datatype\": \"FP32\", \"shape\": [-1, 3]}]}");
    try (ModelRepository repo =
        open(tmp.resolve("repo"), RepositorySettings.VersionPolicy.ALL, 1)) {
      repo.loadAll();
      assertTrue(repo.failures().get("echo/1").contains("inputz"), repo.failures().toString());
      assertTrue(
          repo.failures().get("echo/2").contains("graph input 'x_int64' is not declared"),
          repo.failures().toString());
    }
  }

  @Test
  void creditDescriptorWhoseWidthContradictsTheGraphIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("repo/credit-risk/1"));
    Files.copy(Path.of("models/credit-risk/1/model.onnx"), dir.resolve("model.onnx"));
    String json =
        Files.readString(Path.of("models/credit-risk/1/model.json"))
            .replace("\"shape\" : [ -1, 55 ]", "\"shape\" : [ -1, 56 ]");
    Files.writeString(dir.resolve("model.json"), json);
    try (ModelRepository repo =
        open(tmp.resolve("repo"), RepositorySettings.VersionPolicy.ALL, 1)) {
      repo.loadAll();
      assertTrue(
          repo.failures().get("credit-risk/1").contains("[-1, 56] but the graph has [-1, 55]"),
          repo.failures().toString());
    }
  }

  @Test
  void missingRepositoryDirectoryNamesTheSetting() {
    try (ModelRepository repo =
        open(tmp.resolve("absent"), RepositorySettings.VersionPolicy.ALL, 1)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, repo::loadAll);
      assertTrue(e.getMessage().contains("scorer.repository.path"));
    }
  }
}
