package io.creditscorer.repository;

import io.creditscorer.decision.ReasonCodeExplainer;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.OnnxModel;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.inference.Tensor;
import io.creditscorer.inference.TensorMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Loads one version of a model from its directory: the descriptor read and checked against the
 * graph, the session warmed up, a credit model's answers smoke-checked, and reason codes read from
 * its trees where it is a tree ensemble. Holds no state between loads; {@link ModelRepository}
 * decides what to load and when.
 */
final class VersionLoader {

  private static final Logger LOG = Logger.getLogger(VersionLoader.class.getName());

  private final SessionSettings sessionSettings;
  private final int warmupRuns;

  VersionLoader(SessionSettings sessionSettings, int warmupRuns) {
    this.sessionSettings = sessionSettings;
    this.warmupRuns = warmupRuns;
  }

  /**
   * Loads, validates and warms up the version in {@code dir}; a version that contradicts its graph
   * or fails its smoke check is refused with the reason.
   */
  ModelVersion load(String name, String version, Path dir) throws Exception {
    Path onnx = dir.resolve(RepositoryLayout.MODEL_FILE);
    if (!Files.isRegularFile(onnx)) {
      throw new IllegalArgumentException("no model.onnx in " + dir);
    }
    ModelDescriptor descriptor = null;
    Path descriptorFile = dir.resolve(Descriptors.FILE_NAME);
    if (Files.isRegularFile(descriptorFile)) {
      try {
        descriptor = Descriptors.read(descriptorFile);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "unreadable " + Descriptors.FILE_NAME + ": " + e.getMessage(), e);
      }
      if (descriptor.name() != null && !descriptor.name().equals(name)) {
        throw new IllegalArgumentException(
            Descriptors.FILE_NAME
                + " names model '"
                + descriptor.name()
                + "' but it lies in "
                + name
                + "/");
      }
      if (descriptor.version() != null && !descriptor.version().equals(version)) {
        throw new IllegalArgumentException(
            Descriptors.FILE_NAME
                + " names version '"
                + descriptor.version()
                + "' but it lies in "
                + version
                + "/");
      }
    }
    OnnxModel model = OnnxModel.load(onnx, sessionSettings);
    try {
      DescriptorValidator.Validated valid = DescriptorValidator.validate(descriptor, model);
      List<Tensor> out = warmUp(model, valid.inputs(), valid.outputs());
      byte[] bytes = Files.readAllBytes(onnx);
      Optional<ModelVersion.Credit> credit = valid.credit();
      if (credit.isPresent()) {
        smokeCheck(credit.get(), valid.outputs(), out);
        credit = Optional.of(withTreeReasons(name + "/" + version, credit.get(), model, bytes));
      }
      return new ModelVersion(
          name,
          version,
          dir,
          model,
          valid.inputs(),
          valid.outputs(),
          credit,
          descriptor == null ? null : descriptor.batching(),
          sha256(bytes),
          descriptor == null ? null : descriptor.baseline());
    } catch (Exception e) {
      model.close();
      throw e;
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The credit model with reason codes computed from its trees, when its graph is a tree ensemble
   * that reproduces its answers; otherwise unchanged (reasons by perturbation through the model).
   */
  private static ModelVersion.Credit withTreeReasons(
      String id, ModelVersion.Credit credit, OnnxModel model, byte[] onnx) {
    int width = credit.encoder().width();
    ReasonCodeExplainer explainer;
    try {
      explainer =
          credit
              .explainer()
              .withTrees(
                  onnx,
                  credit.input(),
                  rows -> {
                    Tensor in =
                        new Tensor(
                            credit.input(),
                            DataType.FP32,
                            new long[] {rows.length / width, width},
                            rows);
                    try {
                      float[] p =
                          (float[]) model.run(List.of(in), List.of(credit.output())).get(0).data();
                      double[] pd = new double[rows.length / width];
                      for (int r = 0; r < pd.length; r++) {
                        pd[r] = p[r * credit.outputColumns() + credit.defaultColumn()];
                      }
                      return pd;
                    } catch (Exception e) {
                      throw new IllegalArgumentException("probe rows failed: " + e.getMessage());
                    }
                  });
    } catch (RuntimeException notTrees) { // an optimisation: any failure keeps perturbation
      LOG.info(
          id
              + ": reason codes by "
              + credit.explainer().method()
              + " (not from trees: "
              + notTrees.getMessage()
              + ")");
      return credit;
    }
    LOG.info(id + ": reason codes from the " + explainer.method());
    return new ModelVersion.Credit(
        credit.encoder(),
        credit.input(),
        credit.output(),
        credit.outputColumns(),
        credit.defaultColumn(),
        credit.scoreScale(),
        credit.decisionPolicy(),
        explainer);
  }

  /**
   * A credit model must answer its warm-up row with probabilities: finite, in [0, 1], and summing
   * to 1 across the output's columns. A graph that loads but computes something else (a wrong
   * output wired, NaN) is refused here instead of scoring applicants.
   */
  private static void smokeCheck(
      ModelVersion.Credit credit, List<TensorMeta> outputs, List<Tensor> results) {
    for (int o = 0; o < outputs.size(); o++) {
      if (!outputs.get(o).name().equals(credit.output())) {
        continue;
      }
      float[] p = (float[]) results.get(o).data();
      for (int row = 0; row + credit.outputColumns() <= p.length; row += credit.outputColumns()) {
        double sum = 0;
        for (int c = 0; c < credit.outputColumns(); c++) {
          float v = p[row + c];
          if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(
                "smoke check failed: output "
                    + credit.output()
                    + " gave "
                    + v
                    + ", not a probability");
          }
          sum += v;
        }
        if (credit.outputColumns() > 1 && Math.abs(sum - 1) > 1e-3) {
          throw new IllegalArgumentException(
              "smoke check failed: output "
                  + credit.output()
                  + " sums to "
                  + sum
                  + " across its columns, not 1");
        }
      }
    }
  }

  /** Runs zero-filled inputs; returns the outputs of the last run. */
  private List<Tensor> warmUp(OnnxModel model, List<TensorMeta> inputs, List<TensorMeta> outputs)
      throws Exception {
    List<Tensor> feeds = new ArrayList<>();
    for (TensorMeta in : inputs) {
      long[] shape = Arrays.stream(in.shape()).map(d -> d < 0 ? 1 : d).toArray();
      int n = (int) Tensor.elementCount(in.name(), shape);
      Object data = Tensor.allocate(in.datatype(), n);
      if (in.datatype() == DataType.BYTES) {
        Arrays.fill((String[]) data, "");
      }
      feeds.add(new Tensor(in.name(), in.datatype(), shape, data));
    }
    List<String> names = outputs.stream().map(TensorMeta::name).toList();
    List<Tensor> out = model.run(feeds, names);
    for (int i = 1; i < warmupRuns; i++) {
      out = model.run(feeds, names);
    }
    return out;
  }
}
