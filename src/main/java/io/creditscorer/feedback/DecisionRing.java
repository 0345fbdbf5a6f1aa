package io.creditscorer.feedback;

import io.creditscorer.feedback.DecisionStore.NewDecision;
import io.creditscorer.feedback.DecisionStore.Outcome;
import io.creditscorer.feedback.DecisionStore.VersionCount;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decision store's live decisions, oldest first, held in columns of primitive arrays.
 *
 * <p>Why columns: the store keeps up to {@code scorer.feedback.store.max-entries} decisions and,
 * under load, replaces many each second. Held as objects (a record, its {@code Instant}, two map
 * nodes and the id strings per decision), each one outlived the young generation, so every young
 * collection copied the decisions made since the previous one and the old generation filled with
 * evicted decisions until a concurrent cycle cleared it. Here adding a decision leaves nothing on
 * the heap: numbers go into arrays, the request and applicant ids' UTF-8 bytes into a byte ring in
 * decision order (evicting the oldest decision frees the oldest bytes), and model names, versions
 * and decisions into a small table of the distinct values. Only outcomes, which are rare, are
 * objects.
 *
 * <p>Every decision gets the next <em>position</em>, never reused; positions {@code tail} to {@code
 * head - 1} are live and sit in slot {@code position & mask}. The arrays double when full. Two
 * open-addressing indexes map a request id to its newest decision and an applicant id to its
 * latest; each decision links to the previous decision of its request, and a link to a position
 * below {@code tail} (evicted) ends the chain.
 *
 * <p>One class, not split: the columns, the id bytes and both indexes change together on every add
 * and eviction, under one invariant (positions {@code tail} to {@code head - 1} are live in all of
 * them); split, that invariant would be spread over several classes.
 *
 * <p>Not thread-safe: the store's lock guards it.
 */
final class DecisionRing {

  /** No position. */
  static final long NONE = -1;

  private static final int ABSENT = -1;
  private static final int INITIAL_SLOTS = 1024;

  private long[] seq;
  private long[] epochSecond;
  private int[] nano;
  private double[] probabilityOfDefault;
  private int[] score;
  private int[] modelName;
  private int[] modelVersion;
  private int[] decision;
  private long[] idStart;
  private int[] requestLength;
  private int[] applicantLength;
  private int[] requestHash;
  private int[] applicantHash;
  private long[] olderOfRequest;
  private Outcome[] outcome;
  private int[] groups;
  private int mask;
  private long tail;
  private long head;

  private byte[] ids = new byte[INITIAL_SLOTS * 16];
  private long idsTail;
  private long idsHead;

  private final List<String> labels = new ArrayList<>();
  private final Map<String, Integer> labelIds = new HashMap<>();
  private final int seed = new SecureRandom().nextInt();
  private final Index byRequest = new Index(true);
  private final Index byApplicant = new Index(false);

  DecisionRing() {
    resize(INITIAL_SLOTS);
  }

  int size() {
    return (int) (head - tail);
  }

  /** The oldest live position ({@code head} when empty). */
  long oldest() {
    return tail;
  }

  /** Adds decision {@code seqNo}; returns its position. */
  long add(long seqNo, NewDecision d) {
    if (head - tail == seq.length) {
      resize(seq.length * 2);
    }
    byte[] request = utf8(d.requestId());
    byte[] applicant = utf8(d.applicantId());
    int requestBytes = request == null ? 0 : request.length;
    int applicantBytes = applicant == null ? 0 : applicant.length;
    reserveIds(requestBytes + applicantBytes);
    long pos = head++;
    int s = slot(pos);
    seq[s] = seqNo;
    epochSecond[s] = d.decidedAt().getEpochSecond();
    nano[s] = d.decidedAt().getNano();
    probabilityOfDefault[s] = d.probabilityOfDefault();
    score[s] = d.score();
    modelName[s] = label(d.modelName());
    modelVersion[s] = label(d.modelVersion());
    decision[s] = label(d.decision());
    idStart[s] = idsHead;
    requestLength[s] = request == null ? ABSENT : requestBytes;
    applicantLength[s] = applicant == null ? ABSENT : applicantBytes;
    putIds(request);
    putIds(applicant);
    requestHash[s] = request == null ? 0 : hash(request);
    applicantHash[s] = applicant == null ? 0 : hash(applicant);
    outcome[s] = null;
    groups[s] = ABSENT;
    olderOfRequest[s] = request == null ? NONE : byRequest.put(pos, request);
    if (applicant != null) {
      byApplicant.put(pos, applicant);
    }
    return pos;
  }

  /** Evicts the oldest decision; returns whether it had an outcome. */
  boolean evictOldest() {
    long pos = tail;
    int s = slot(pos);
    if (requestLength[s] != ABSENT) {
      byRequest.removeIfMapped(pos);
    }
    if (applicantLength[s] != ABSENT) {
      byApplicant.removeIfMapped(pos);
    }
    boolean hadOutcome = outcome[s] != null;
    outcome[s] = null;
    tail++;
    idsTail = tail < head ? idStart[slot(tail)] : idsHead;
    return hadOutcome;
  }

  /** Whether the oldest decision was made before {@code t}. */
  boolean oldestDecidedBefore(Instant t) {
    int s = slot(tail);
    return epochSecond[s] < t.getEpochSecond()
        || (epochSecond[s] == t.getEpochSecond() && nano[s] < t.getNano());
  }

  long seq(long pos) {
    return seq[slot(pos)];
  }

  /** The newest decision of a request id, or {@link #NONE}. */
  long newestOfRequest(String requestId) {
    return byRequest.get(requestId.getBytes(StandardCharsets.UTF_8));
  }

  /** The decision of the same request made before this one, or {@link #NONE}. */
  long olderOfRequest(long pos) {
    long older = olderOfRequest[slot(pos)];
    return older >= tail ? older : NONE;
  }

  /** The latest decision for an applicant id, or {@link #NONE}. */
  long latestOfApplicant(String applicantId) {
    return byApplicant.get(applicantId.getBytes(StandardCharsets.UTF_8));
  }

  /** The live decision numbered {@code seqNo}, or {@link #NONE} (numbers rise with positions). */
  long positionOfSeq(long seqNo) {
    long lo = tail;
    long hi = head - 1;
    while (lo <= hi) {
      long mid = (lo + hi) >>> 1;
      long at = seq[slot(mid)];
      if (at < seqNo) {
        lo = mid + 1;
      } else if (at > seqNo) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return NONE;
  }

  Outcome outcome(long pos) {
    return outcome[slot(pos)];
  }

  void setOutcome(long pos, Outcome o) {
    outcome[slot(pos)] = o;
  }

  /** The decision's group labels ({@link MonitoredGroups#encode}), or {@code null}. */
  String groups(long pos) {
    int g = groups[slot(pos)];
    return g == ABSENT ? null : labels.get(g);
  }

  /** Sets the decision's labels; there are few distinct ones, so they join the value table. */
  void setGroups(long pos, String encoded) {
    groups[slot(pos)] = encoded == null ? ABSENT : label(encoded);
  }

  /** Visits, oldest first, every live decision that carries group labels. */
  void visitLabelled(DecisionStore.LabelledVisitor visitor) {
    for (long p = tail; p < head; p++) {
      int s = slot(p);
      if (groups[s] != ABSENT) {
        visitor.visit(
            labels.get(modelName[s]),
            labels.get(modelVersion[s]),
            probabilityOfDefault[s],
            labels.get(decision[s]),
            Instant.ofEpochSecond(epochSecond[s], nano[s]),
            seq[s],
            labels.get(groups[s]),
            outcome[s]);
      }
    }
  }

  String applicantId(long pos) {
    int s = slot(pos);
    return text(idStart[s] + Math.max(requestLength[s], 0), applicantLength[s]);
  }

  /** The decision at a live position, as a value. */
  StoredDecision decision(long pos) {
    int s = slot(pos);
    return new StoredDecision(
        seq[s],
        text(idStart[s], requestLength[s]),
        applicantId(pos),
        labels.get(modelName[s]),
        labels.get(modelVersion[s]),
        probabilityOfDefault[s],
        score[s],
        labels.get(decision[s]),
        Instant.ofEpochSecond(epochSecond[s], nano[s]),
        outcome[s]);
  }

  /**
   * Counts the live decisions and outcomes per model version and visits, oldest first, each one
   * that has an outcome: one pass over the columns, with nothing made per decision.
   */
  List<VersionCount> countAndVisitOutcomes(DecisionStore.OutcomeVisitor withOutcome) {
    Map<Long, int[]> counts = new LinkedHashMap<>(); // decisions, outcomes
    long lastKey = -1;
    int[] count = null;
    for (long p = tail; p < head; p++) {
      int s = slot(p);
      long key = (long) modelName[s] << 32 | modelVersion[s];
      if (key != lastKey) {
        count = counts.computeIfAbsent(key, k -> new int[2]);
        lastKey = key;
      }
      count[0]++;
      if (outcome[s] != null) {
        count[1]++;
        withOutcome.visit(
            labels.get(modelName[s]),
            labels.get(modelVersion[s]),
            probabilityOfDefault[s],
            labels.get(decision[s]),
            seq[s],
            outcome[s]);
      }
    }
    List<VersionCount> result = new ArrayList<>(counts.size());
    counts.forEach(
        (key, c) ->
            result.add(
                new VersionCount(
                    labels.get((int) (key >>> 32)),
                    labels.get((int) key.longValue()),
                    c[0],
                    c[1])));
    return result;
  }

  private int slot(long pos) {
    return (int) pos & mask;
  }

  private int label(String value) {
    Integer id = labelIds.get(value);
    if (id == null) {
      id = labels.size();
      labels.add(value);
      labelIds.put(value, id);
    }
    return id;
  }

  /** Sets the columns to {@code slots} (a power of two); live decisions keep their positions. */
  private void resize(int slots) {
    int newMask = slots - 1;
    seq = copy(seq, new long[slots], newMask);
    epochSecond = copy(epochSecond, new long[slots], newMask);
    nano = copy(nano, new int[slots], newMask);
    probabilityOfDefault = copy(probabilityOfDefault, new double[slots], newMask);
    score = copy(score, new int[slots], newMask);
    modelName = copy(modelName, new int[slots], newMask);
    modelVersion = copy(modelVersion, new int[slots], newMask);
    decision = copy(decision, new int[slots], newMask);
    idStart = copy(idStart, new long[slots], newMask);
    requestLength = copy(requestLength, new int[slots], newMask);
    applicantLength = copy(applicantLength, new int[slots], newMask);
    requestHash = copy(requestHash, new int[slots], newMask);
    applicantHash = copy(applicantHash, new int[slots], newMask);
    olderOfRequest = copy(olderOfRequest, new long[slots], newMask);
    outcome = copy(outcome, new Outcome[slots], newMask);
    groups = copy(groups, new int[slots], newMask);
    mask = newMask;
  }

  /** Copies the live positions of column {@code from} (null: none yet) into {@code to}. */
  private <T> T copy(T from, T to, int toMask) {
    if (from == null) {
      return to;
    }
    for (long pos = tail; pos < head; ) {
      int a = (int) pos & mask;
      int b = (int) pos & toMask;
      int run = (int) Math.min(head - pos, Math.min(mask + 1 - a, toMask + 1 - b));
      System.arraycopy(from, a, to, b, run);
      pos += run;
    }
    return to;
  }

  /** Makes room for {@code n} more id bytes, doubling the byte ring while it is too small. */
  private void reserveIds(int n) {
    long needed = idsHead - idsTail + n;
    if (needed <= ids.length) {
      return;
    }
    int length = ids.length;
    while (length < needed) {
      length = Math.multiplyExact(length, 2);
    }
    byte[] bigger = new byte[length];
    for (long p = idsTail; p < idsHead; p++) {
      bigger[(int) p & (length - 1)] = ids[(int) p & (ids.length - 1)];
    }
    ids = bigger;
  }

  private void putIds(byte[] b) {
    if (b == null) {
      return;
    }
    int m = ids.length - 1;
    for (byte x : b) {
      ids[(int) idsHead++ & m] = x;
    }
  }

  private String text(long start, int length) {
    if (length == ABSENT) {
      return null;
    }
    byte[] b = new byte[length];
    int m = ids.length - 1;
    for (int i = 0; i < length; i++) {
      b[i] = ids[(int) (start + i) & m];
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  private boolean idEquals(long start, int length, byte[] key) {
    if (length != key.length) {
      return false;
    }
    int m = ids.length - 1;
    for (int i = 0; i < length; i++) {
      if (ids[(int) (start + i) & m] != key[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * MurmurHash3's 32-bit mixing of the id's bytes, from this ring's random seed: ids are chosen by
   * callers, and with an unseeded hash they could pick ids that all land in one probe chain.
   */
  private int hash(byte[] b) {
    int h = seed;
    int i = 0;
    for (; i + 4 <= b.length; i += 4) {
      int k = (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | b[i + 3] << 24;
      h = Integer.rotateLeft(h ^ mixK(k), 13) * 5 + 0xe6546b64;
    }
    int k = 0;
    for (int shift = 0; i < b.length; i++, shift += 8) {
      k |= (b[i] & 0xff) << shift;
    }
    h ^= mixK(k) ^ b.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  private static int mixK(int k) {
    return Integer.rotateLeft(k * 0xcc9e2d51, 15) * 0x1b873593;
  }

  /**
   * Open addressing with linear probing, from an id (request or applicant) to a position; removal
   * shifts the entries behind back, so lookups never need tombstones.
   */
  private final class Index {
    private final boolean request;
    private long[] table = new long[16]; // position + 1; 0 is empty
    private int count;

    Index(boolean request) {
      this.request = request;
    }

    private int hashAt(long pos) {
      return request ? requestHash[slot(pos)] : applicantHash[slot(pos)];
    }

    private boolean keyAt(long pos, byte[] key) {
      int s = slot(pos);
      return request
          ? idEquals(idStart[s], requestLength[s], key)
          : idEquals(idStart[s] + Math.max(requestLength[s], 0), applicantLength[s], key);
    }

    long get(byte[] key) {
      return find(key, hash(key));
    }

    private long find(byte[] key, int h) {
      int m = table.length - 1;
      for (int i = h & m; ; i = (i + 1) & m) {
        long v = table[i];
        if (v == 0) {
          return NONE;
        }
        if (hashAt(v - 1) == h && keyAt(v - 1, key)) {
          return v - 1;
        }
      }
    }

    /** Maps {@code key}, the id at {@code pos}, to it; returns its previous position, or NONE. */
    long put(long pos, byte[] key) {
      if ((count + 1) * 2 > table.length) {
        resize(table.length * 2);
      }
      int h = hashAt(pos);
      int m = table.length - 1;
      for (int i = h & m; ; i = (i + 1) & m) {
        long v = table[i];
        if (v == 0) {
          table[i] = pos + 1;
          count++;
          return NONE;
        }
        if (hashAt(v - 1) == h && keyAt(v - 1, key)) {
          table[i] = pos + 1;
          return v - 1;
        }
      }
    }

    /** Removes the id at {@code pos} if it maps to {@code pos} (not to a later decision). */
    void removeIfMapped(long pos) {
      int m = table.length - 1;
      int i = hashAt(pos) & m;
      while (table[i] != pos + 1) {
        if (table[i] == 0) {
          return;
        }
        i = (i + 1) & m;
      }
      table[i] = 0;
      count--;
      for (int j = (i + 1) & m; table[j] != 0; j = (j + 1) & m) {
        int home = hashAt(table[j] - 1) & m;
        // Entry j stays unless the freed slot i lies on its probe path, from home to j.
        boolean stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
          table[i] = table[j];
          table[j] = 0;
          i = j;
        }
      }
    }

    private void resize(int length) {
      long[] old = table;
      table = new long[length];
      int m = length - 1;
      for (long v : old) {
        if (v != 0) {
          int i = hashAt(v - 1) & m;
          while (table[i] != 0) {
            i = (i + 1) & m;
          }
          table[i] = v;
        }
      }
    }
  }
}
