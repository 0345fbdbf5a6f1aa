package io.creditscorer.app;

import io.creditscorer.base.RedisUrls;
import io.creditscorer.features.FeatureLoader;
import io.creditscorer.inference.NativeLibraries;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point: runs the service, or, with {@code load-features}, bulk-loads a feature snapshot into
 * Redis and exits (the service itself is not started for that).
 *
 * <pre>
 * java -jar target/quarkus-app/quarkus-run.jar load-features data/applicants.jsonl \
 *     [--redis redis://127.0.0.1:6379] [--prefix applicant:] [--batch 500]
 * </pre>
 */
@QuarkusMain
public class ScorerMain {

  public static void main(String... args) {
    if (args.length > 0 && args[0].equals("load-features")) {
      System.exit(loadFeatures(Arrays.copyOfRange(args, 1, args.length)));
    }
    NativeLibraries.preferUnpacked();
    Quarkus.run(args);
  }

  static int loadFeatures(String... args) {
    String url = "redis://127.0.0.1:6379";
    String prefix = "applicant:";
    int batch = 500;
    Path file = null;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--redis" -> url = args[++i];
          case "--prefix" -> prefix = args[++i];
          case "--batch" -> batch = Integer.parseInt(args[++i]);
          default -> {
            if (args[i].startsWith("--") || file != null) {
              return usage("unexpected argument " + args[i]);
            }
            file = Path.of(args[i]);
          }
        }
      }
    } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
      return usage("an option is missing its value");
    }
    if (file == null) {
      return usage("name the snapshot file (.jsonl or .csv)");
    }
    if (!Files.isReadable(file)) {
      return usage("cannot read " + file.toAbsolutePath());
    }
    String shown = RedisUrls.redacted(url);
    System.out.printf("Loading %s into %s (keys %s<applicant_id>) ...%n", file, shown, prefix);
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, RedisUrls.options(url));
    try {
      FeatureLoader.Summary s =
          new FeatureLoader(redis, prefix, batch).load(file, System.out::println);
      System.out.printf(
          "Done: %,d applicants in %d MSET batches, %.2f s (%,.0f per second).%n",
          s.applicants(), s.batches(), s.seconds(), s.perSecond());
      return 0;
    } catch (Exception e) {
      System.err.println("Load failed: " + e.getMessage());
      System.err.println(
          "Check that Redis runs at "
              + shown
              + " (redis-cli -u "
              + shown
              + " ping) and that the file is JSON lines or CSV with an applicant_id column.");
      return 1;
    } finally {
      redis.close();
      vertx.close();
    }
  }

  private static int usage(String problem) {
    System.err.println("load-features: " + problem);
    System.err.println(
        "usage: java -jar target/quarkus-app/quarkus-run.jar load-features FILE"
            + " [--redis redis://127.0.0.1:6379] [--prefix applicant:] [--batch 500]");
    return 2;
  }
}
