package io.creditscorer.feedback;

/**
 * The Lua scripts of {@link RedisDecisionStore}. Each runs atomically in Redis, so every replica
 * sees a step whole or not at all, and the first outcome recorded for a decision wins.
 *
 * <p>Keys, under the store's prefix {@code p}:
 *
 * <ul>
 *   <li>{@code p seq}: the last decision number given
 *   <li>{@code p d}: hash, decision number → the decision as JSON ({@code r} request id, {@code a}
 *       applicant id, {@code m}/{@code v} model and version, {@code p} probability of default,
 *       {@code s} score, {@code d} decision, {@code t} decided at in microseconds, {@code at} the
 *       same as ISO-8601)
 *   <li>{@code p q}: list of the live decision numbers, oldest first (eviction order)
 *   <li>{@code p r}: hash, request id → {@code <live decisions> <newest decision number>}
 *   <li>{@code p a}: hash, applicant id → the number of the applicant's latest decision
 *   <li>{@code p ra}: hash, {@code <length of the request id>:<request id><applicant id>} → the
 *       number of that pair's latest decision
 *   <li>{@code p o}: hash, decision number → its outcome (the member of the window set)
 *   <li>{@code p w:<model>\t<version>}: sorted set of the version's outcomes by observation time in
 *       microseconds; member {@code <number, 19 digits>|<1 defaulted, 0 not>|<observed
 *       at>|<recorded at>|<probability of default>|<decision>}
 *   <li>{@code p c}: hash, {@code d\t<model>\t<version>} and {@code o\t<model>\t<version>} → live
 *       decisions and outcomes of the version
 *   <li>{@code p g}: hash, decision number → its group labels ({@code name=value;...} in name
 *       order), for fairness monitoring only
 *   <li>{@code p b:<batch id>}: a written batch of decisions (a day), so a batch sent again after a
 *       lost reply is not stored twice
 * </ul>
 *
 * <p>Every step costs the same per decision however often a caller reuses a request or applicant
 * id: no index holds a list that grows with reuse.
 */
final class RedisDecisionScripts {

  private RedisDecisionScripts() {}

  /** Evicts the oldest decisions over the bounds, at most {@code limit} per call. */
  private static final String EVICT =
      """
      local function count(p, field, by)
        if redis.call('HINCRBY', p .. 'c', field, by) <= 0 then
          redis.call('HDEL', p .. 'c', field)
        end
      end
      local function evict(p, now, keep, max, limit)
        local evicted = 0
        while evicted < limit do
          local head = redis.call('LINDEX', p .. 'q', 0)
          if not head then break end
          local val = redis.call('HGET', p .. 'd', head)
          local dec = val and cjson.decode(val)
          if dec and redis.call('LLEN', p .. 'q') <= max and dec.t >= now - keep then break end
          redis.call('LPOP', p .. 'q')
          if dec then
            local mv = dec.m .. '\\t' .. dec.v
            if type(dec.r) == 'string' then
              local r = redis.call('HGET', p .. 'r', dec.r)
              if r then
                local n, newest = string.match(r, '(%d+) (%d+)')
                if tonumber(n) <= 1 then
                  redis.call('HDEL', p .. 'r', dec.r)
                else
                  redis.call('HSET', p .. 'r', dec.r, (tonumber(n) - 1) .. ' ' .. newest)
                end
              end
              if type(dec.a) == 'string' then
                local pair = #dec.r .. ':' .. dec.r .. dec.a
                if redis.call('HGET', p .. 'ra', pair) == head then
                  redis.call('HDEL', p .. 'ra', pair)
                end
              end
            end
            if type(dec.a) == 'string' and redis.call('HGET', p .. 'a', dec.a) == head then
              redis.call('HDEL', p .. 'a', dec.a)
            end
            local o = redis.call('HGET', p .. 'o', head)
            if o then
              redis.call('ZREM', p .. 'w:' .. mv, o)
              redis.call('HDEL', p .. 'o', head)
              count(p, 'o\\t' .. mv, -1)
            end
            redis.call('HDEL', p .. 'd', head)
            redis.call('HDEL', p .. 'g', head)
            count(p, 'd\\t' .. mv, -1)
          end
          evicted = evicted + 1
        end
        return {evicted, redis.call('LLEN', p .. 'q'), redis.call('HLEN', p .. 'o')}
      end
      """;

  /**
   * ARGV: prefix, now (µs), retention (µs), max entries, eviction limit, batch id, then per
   * decision: request id, applicant id ('' for none), model and version ({@code model\tversion}),
   * the decision's JSON. Returns {evicted, live decisions, live outcomes}.
   */
  static final String ADD =
      EVICT
          + """
          local p = ARGV[1]
          if redis.call('SET', p .. 'b:' .. ARGV[6], 1, 'NX', 'EX', 86400) then
            local n = (#ARGV - 6) / 4
            local seq = redis.call('INCRBY', p .. 'seq', n) - n
            for i = 7, #ARGV, 4 do
              local req, app, mv = ARGV[i], ARGV[i + 1], ARGV[i + 2]
              seq = seq + 1
              local s = string.format('%d', seq)
              redis.call('HSET', p .. 'd', s, ARGV[i + 3])
              redis.call('RPUSH', p .. 'q', s)
              if req ~= '' then
                local r = redis.call('HGET', p .. 'r', req)
                local n = r and tonumber(string.match(r, '%d+')) or 0
                redis.call('HSET', p .. 'r', req, (n + 1) .. ' ' .. s)
                if app ~= '' then
                  redis.call('HSET', p .. 'ra', #req .. ':' .. req .. app, s)
                end
              end
              if app ~= '' then
                redis.call('HSET', p .. 'a', app, s)
              end
              redis.call('HINCRBY', p .. 'c', 'd\\t' .. mv, 1)
            end
          end
          return evict(p, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]),
                       tonumber(ARGV[5]))
          """;

  /** ARGV: prefix, now (µs), retention (µs), max entries, eviction limit. As {@link #ADD}. */
  static final String EVICT_EXPIRED =
      EVICT
          + """
          return evict(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]),
                       tonumber(ARGV[5]))
          """;

  /**
   * ARGV: prefix, then per lookup: request id, applicant id ('' for none). Returns per lookup
   * {'found', number, decision JSON, outcome member or nil}, {'unknown-request'}, {@code
   * {'unknown-applicant'}} or {'ambiguous', decisions}.
   */
  static final String FIND =
      """
      local p = ARGV[1]
      local function found(s)
        return {'found', s, redis.call('HGET', p .. 'd', s), redis.call('HGET', p .. 'o', s)}
      end
      local out = {}
      for i = 2, #ARGV, 2 do
        local req, app = ARGV[i], ARGV[i + 1]
        local r
        if req == '' then
          local s = redis.call('HGET', p .. 'a', app)
          if s then r = found(s) else r = {'unknown-applicant'} end
        else
          local live = redis.call('HGET', p .. 'r', req)
          if not live then
            r = {'unknown-request'}
          elseif app ~= '' then
            local s = redis.call('HGET', p .. 'ra', #req .. ':' .. req .. app)
            if s then r = found(s) else r = {'unknown-applicant'} end
          else
            local n, newest = string.match(live, '(%d+) (%d+)')
            if tonumber(n) == 1 then r = found(newest) else r = {'ambiguous', tonumber(n)} end
          end
        end
        out[#out + 1] = r
      end
      return out
      """;

  /**
   * ARGV: prefix, then per outcome: decision number, {@code model\tversion}, observed at (µs), the
   * outcome's member. Records each whose decision is live and has none. Returns {per outcome
   * 'recorded', 'gone' (the decision was evicted) or the member of the outcome kept; live
   * decisions; live outcomes}.
   */
  static final String RECORD =
      """
      local p = ARGV[1]
      local out = {}
      for i = 2, #ARGV, 4 do
        local seq, mv, score, member = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
        if redis.call('HEXISTS', p .. 'd', seq) == 0 then
          out[#out + 1] = 'gone'
        else
          local kept = redis.call('HGET', p .. 'o', seq)
          if kept then
            out[#out + 1] = kept
          else
            redis.call('HSET', p .. 'o', seq, member)
            redis.call('ZADD', p .. 'w:' .. mv, score, member)
            redis.call('HINCRBY', p .. 'c', 'o\\t' .. mv, 1)
            out[#out + 1] = 'recorded'
          end
        end
      end
      return {out, redis.call('HLEN', p .. 'd'), redis.call('HLEN', p .. 'o')}
      """;

  /**
   * ARGV: prefix, then per decision: number, group labels. Puts the labels over the ones the
   * decision has, attribute by attribute; skips a decision no longer live. Returns the number of
   * decisions labelled.
   */
  static final String LABEL =
      """
      local p = ARGV[1]
      local function parse(s, into)
        for name, value in string.gmatch(s or '', '([^;=]+)=([^;]*)') do into[name] = value end
      end
      local n = 0
      for i = 2, #ARGV, 2 do
        local seq = ARGV[i]
        if redis.call('HEXISTS', p .. 'd', seq) == 1 then
          local groups = {}
          parse(redis.call('HGET', p .. 'g', seq), groups)
          parse(ARGV[i + 1], groups)
          local names = {}
          for name in pairs(groups) do names[#names + 1] = name end
          table.sort(names)
          local pairs_ = {}
          for _, name in ipairs(names) do pairs_[#pairs_ + 1] = name .. '=' .. groups[name] end
          redis.call('HSET', p .. 'g', seq, table.concat(pairs_, ';'))
          n = n + 1
        end
      end
      return n
      """;
}
