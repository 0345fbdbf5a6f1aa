package io.creditscorer.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One ONNX Runtime session for one model version. {@link #run} is safe to call from any number of
 * threads at once (ONNX Runtime sessions are); {@link #close} must only be called once no run is in
 * flight. Inputs are expected to be validated already: this class only converts and runs.
 *
 * <p>Leases make hot swaps safe: the routing table holds one lease, and each request that will run
 * this version holds one from before it is queued until it is answered. {@link #retire} gives up
 * the table's lease; the session closes when the last request lets go, never under a running one.
 */
public final class OnnxModel implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(OnnxModel.class.getName());

  private final OrtEnvironment env;
  private final OrtSession session;
  private final List<TensorMeta> inputs;
  private final List<TensorMeta> outputs;
  private final List<String> unsupported;
  private final AtomicInteger leases = new AtomicInteger(1);
  private volatile Runnable onDrained = () -> {};

  private OnnxModel(OrtEnvironment env, OrtSession session) throws OrtException {
    this.env = env;
    this.session = session;
    this.unsupported = new ArrayList<>();
    this.inputs = describe(session.getInputInfo(), unsupported);
    this.outputs = describe(session.getOutputInfo(), unsupported);
  }

  /**
   * Loads a model file in the process's one ONNX Runtime environment; ONNX Runtime's own error
   * (corrupt file, unknown operator) propagates.
   */
  public static OnnxModel load(Path file, SessionSettings settings) throws OrtException {
    return load(OrtEnvironment.getEnvironment(), file, settings);
  }

  /** Loads a model file; ONNX Runtime's own error (corrupt file, unknown operator) propagates. */
  public static OnnxModel load(OrtEnvironment env, Path file, SessionSettings settings)
      throws OrtException {
    try (OrtSession.SessionOptions options = settings.toOptions()) {
      return new OnnxModel(env, env.createSession(file.toString(), options));
    }
  }

  /** Tensor inputs of the graph, in graph order. */
  public List<TensorMeta> inputs() {
    return inputs;
  }

  /** Tensor outputs of the graph, in graph order (non-tensor outputs are left out). */
  public List<TensorMeta> outputs() {
    return outputs;
  }

  /** Graph inputs or outputs that are not tensors of a carried datatype, with their types. */
  public List<String> unsupported() {
    return unsupported;
  }

  /**
   * Runs the graph.
   *
   * @param feeds one tensor per graph input, already validated against {@link #inputs()}
   * @param outputNames outputs to compute, each one of {@link #outputs()}
   * @return the outputs in the order asked for
   */
  public List<Tensor> run(List<Tensor> feeds, List<String> outputNames) throws OrtException {
    Map<String, OnnxTensor> onnxFeeds = new HashMap<>(feeds.size() * 2);
    try {
      for (Tensor t : feeds) {
        onnxFeeds.put(t.name(), toOnnx(t));
      }
      try (OrtSession.Result result = session.run(onnxFeeds, new LinkedHashSet<>(outputNames))) {
        List<Tensor> out = new ArrayList<>(outputNames.size());
        for (String name : outputNames) {
          OnnxValue value = result.get(name).orElseThrow();
          out.add(fromOnnx(name, (OnnxTensor) value));
        }
        return out;
      }
    } finally {
      onnxFeeds.values().forEach(OnnxTensor::close);
    }
  }

  /** Takes a lease for one request; {@code false} once the version is retired and drained. */
  public boolean tryAcquire() {
    for (; ; ) {
      int n = leases.get();
      if (n <= 0) {
        return false;
      }
      if (leases.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Returns a lease; the last one of a retired version runs {@code onDrained} and closes. */
  public void release() {
    if (leases.decrementAndGet() == 0) {
      try {
        onDrained.run();
      } finally {
        try {
          session.close();
        } catch (OrtException e) {
          LOG.log(Level.WARNING, "Closing a retired session failed", e);
        }
      }
    }
  }

  /** Gives up the routing table's lease: closes as soon as no request holds one. Call once. */
  public void retire(Runnable onDrained) {
    this.onDrained = onDrained;
    release();
  }

  /** Whether the session has been closed after retirement. */
  public boolean isDrained() {
    return leases.get() <= 0;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }

  private static List<TensorMeta> describe(Map<String, NodeInfo> nodes, List<String> unsupported) {
    List<TensorMeta> metas = new ArrayList<>();
    for (NodeInfo node : nodes.values()) {
      if (node.getInfo() instanceof TensorInfo info) {
        var type = DataType.ofOnnx(info.type);
        if (type.isPresent()) {
          metas.add(new TensorMeta(node.getName(), type.get(), info.getShape()));
          continue;
        }
      }
      unsupported.add(node.getName() + " (" + node.getInfo() + ")");
    }
    return List.copyOf(metas);
  }

  private OnnxTensor toOnnx(Tensor t) throws OrtException {
    long[] shape = t.shape();
    return switch (t.datatype()) {
      case FP32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) t.data()), shape);
      case FP64 -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) t.data()), shape);
      case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) t.data()), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) t.data()), shape);
      case BYTES -> OnnxTensor.createTensor(env, (String[]) t.data(), shape);
      case BOOL -> {
        boolean[] b = (boolean[]) t.data();
        ByteBuffer buf = ByteBuffer.allocateDirect(b.length).order(ByteOrder.nativeOrder());
        for (boolean v : b) {
          buf.put((byte) (v ? 1 : 0));
        }
        buf.rewind();
        yield OnnxTensor.createTensor(env, buf, shape, ai.onnxruntime.OnnxJavaType.BOOL);
      }
    };
  }

  private static Tensor fromOnnx(String name, OnnxTensor value) throws OrtException {
    TensorInfo info = value.getInfo();
    long[] shape = info.getShape();
    DataType type =
        DataType.ofOnnx(info.type)
            .orElseThrow(() -> new OrtException("output " + name + " has type " + info.type));
    Object data =
        switch (type) {
          case FP32 -> {
            FloatBuffer b = value.getFloatBuffer();
            float[] a = new float[b.remaining()];
            b.get(a);
            yield a;
          }
          case FP64 -> {
            DoubleBuffer b = value.getDoubleBuffer();
            double[] a = new double[b.remaining()];
            b.get(a);
            yield a;
          }
          case INT32 -> {
            IntBuffer b = value.getIntBuffer();
            int[] a = new int[b.remaining()];
            b.get(a);
            yield a;
          }
          case INT64 -> {
            LongBuffer b = value.getLongBuffer();
            long[] a = new long[b.remaining()];
            b.get(a);
            yield a;
          }
          case BOOL -> {
            ByteBuffer b = value.getByteBuffer();
            boolean[] a = new boolean[b.remaining()];
            for (int i = 0; i < a.length; i++) {
              a[i] = b.get() != 0;
            }
            yield a;
          }
          case BYTES -> {
            List<String> flat = new ArrayList<>();
            flatten(value.getValue(), flat);
            yield flat.toArray(String[]::new);
          }
        };
    return new Tensor(name, type, shape, data);
  }

  private static void flatten(Object nested, List<String> out) {
    if (nested instanceof String s) {
      out.add(s);
    } else {
      for (int i = 0; i < Array.getLength(nested); i++) {
        flatten(Array.get(nested, i), out);
      }
    }
  }
}
