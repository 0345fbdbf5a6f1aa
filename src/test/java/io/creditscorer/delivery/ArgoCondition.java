package io.creditscorer.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * The subset of Argo Rollouts' analysis conditions (expr-lang) that the project's templates use,
 * evaluated as Argo evaluates them against a Prometheus result (a vector's values): {@code
 * len(result)}, {@code result[i]}, number literals, {@code isNaN(x)}, comparisons, {@code !},
 * {@code &&}, {@code ||} and parentheses. Anything else is refused, so a template cannot rely on
 * syntax this check does not understand. Like expr, {@code &&} and {@code ||} short-circuit, and
 * indexing past the end is an error (Argo then counts the measurement as an error, not a success).
 */
final class ArgoCondition {

  private final List<String> tokens;
  private final List<Double> result;
  private int at;

  private ArgoCondition(String expression, List<Double> result) {
    this.tokens = tokenize(expression);
    this.result = result;
  }

  /** Whether {@code expression} holds for {@code result}. */
  static boolean holds(String expression, List<Double> result) {
    ArgoCondition c = new ArgoCondition(expression, result);
    Object value = c.or(true);
    if (c.at != c.tokens.size()) {
      throw new IllegalArgumentException(
          "unexpected '" + c.tokens.get(c.at) + "' in " + expression);
    }
    if (!(value instanceof Boolean b)) {
      throw new IllegalArgumentException("not a condition: " + expression);
    }
    return b;
  }

  private static List<String> tokenize(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c)) {
        int j = i;
        while (j < s.length() && Character.isLetterOrDigit(s.charAt(j))) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      } else if (Character.isDigit(c) || c == '.') {
        int j = i;
        while (j < s.length()
            && (Character.isDigit(s.charAt(j))
                || ".eE".indexOf(s.charAt(j)) >= 0
                || ("+-".indexOf(s.charAt(j)) >= 0 && "eE".indexOf(s.charAt(j - 1)) >= 0))) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        if (List.of("&&", "||", "<=", ">=", "==", "!=").contains(two)) {
          out.add(two);
          i += 2;
        } else if ("()[]<>!".indexOf(c) >= 0) {
          out.add(String.valueOf(c));
          i++;
        } else {
          throw new IllegalArgumentException("unsupported character '" + c + "' in " + s);
        }
      }
    }
    return out;
  }

  private String peek() {
    return at < tokens.size() ? tokens.get(at) : "";
  }

  private void expect(String token) {
    if (!peek().equals(token)) {
      throw new IllegalArgumentException("expected '" + token + "', found '" + peek() + "'");
    }
    at++;
  }

  /** {@code live}: false on the side of a short circuit that is not evaluated. */
  private Object or(boolean live) {
    Object left = and(live);
    while (peek().equals("||")) {
      at++;
      boolean l = live && (Boolean) left;
      Object right = and(live && !l);
      left = live && (l || (Boolean) right);
    }
    return left;
  }

  private Object and(boolean live) {
    Object left = comparison(live);
    while (peek().equals("&&")) {
      at++;
      boolean l = live && (Boolean) left;
      Object right = comparison(live && l);
      left = live && l && (Boolean) right;
    }
    return left;
  }

  private Object comparison(boolean live) {
    Object left = unary(live);
    String op = peek();
    if (!List.of("<", "<=", ">", ">=", "==", "!=").contains(op)) {
      return left;
    }
    at++;
    Object right = unary(live);
    if (!live) {
      return false;
    }
    double a = (Double) left;
    double b = (Double) right;
    return switch (op) {
      case "<" -> a < b;
      case "<=" -> a <= b;
      case ">" -> a > b;
      case ">=" -> a >= b;
      case "==" -> a == b;
      default -> a != b;
    };
  }

  private Object unary(boolean live) {
    if (peek().equals("!")) {
      at++;
      Object v = unary(live);
      return live && !(Boolean) v;
    }
    return primary(live);
  }

  private Object primary(boolean live) {
    String t = peek();
    at++;
    if (t.equals("(")) {
      Object v = or(live);
      expect(")");
      return v;
    }
    if (t.equals("len")) {
      expect("(");
      expect("result");
      expect(")");
      return (double) result.size();
    }
    if (t.equals("isNaN")) {
      expect("(");
      Object v = or(live);
      expect(")");
      return live && Double.isNaN((Double) v);
    }
    if (t.equals("result")) {
      expect("[");
      Object index = or(live);
      expect("]");
      if (!live) {
        return 0.0;
      }
      int i = (int) (double) (Double) index;
      if (i < 0 || i >= result.size()) {
        throw new IndexOutOfBoundsException("result[" + i + "] of " + result.size() + " values");
      }
      return result.get(i);
    }
    if (!t.isEmpty() && (Character.isDigit(t.charAt(0)) || t.charAt(0) == '.')) {
      return Double.parseDouble(t);
    }
    throw new IllegalArgumentException("unsupported '" + t + "'");
  }
}
