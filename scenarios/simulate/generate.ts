import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';

export interface SimulateOptions {
  people: number;
  units: number;
  months: number;
  seed: number;
  /** The simulated year ends here (exclusive); a local midnight. */
  end: Date;
  /** Called after each step with its name and duration, for the CLI's progress lines. */
  progress?: (step: string, ms: number, rows?: number) => void;
}

export const ENTERPRISES = 30;
export const SANDBOX_PERSONAS = ['sim-admin', 'sim-leader', 'sim-cell', 'sim-ctv', 'sim-worker'] as const;

const DAY = 86_400;

/**
 * A deterministic uniform number in [0, 1) from integer SQL expressions and the seed: the same
 * seed gives the same organisation and the same year on PGlite and on Postgres.
 */
function rnd(seed: number, salt: number, ...parts: string[]): string {
  const mixed = parts.map((p, i) => `(${p})::bigint * ${[1_000_003, 7_919, 104_729][i] ?? 31}`).join(' + ');
  return `((hashint8(${mixed} + ${seed * 1_000 + salt}) & 2147483647)::float8 / 2147483648.0)`;
}

/**
 * Fills an empty database with a synthetic organisation and its year, set-based: every table is
 * one `INSERT … SELECT generate_series` (no row-by-row loops), so 90,000 people and a year of
 * pulses, directives and feedback take minutes. Units: a company, ~30 enterprises, cells (~40 %)
 * and teams; people mostly in teams; one bound group per unit below the company.
 */
export async function simulate(database: Database, options: SimulateOptions): Promise<void> {
  const { seed } = options;
  const step = async (name: string, statement: string) => {
    const started = performance.now();
    for (const part of statement.split(/;\s*\n/)) if (part.trim()) await database.query(sql.raw(part));
    options.progress?.(name, performance.now() - started);
  };
  const U = Math.max(options.units, ENTERPRISES + 3);
  const E = ENTERPRISES;
  const C = Math.max(1, Math.round((U - 1 - E) * 0.4));
  const T = U - 1 - E - C;
  const P = Math.max(options.people, U * 2);
  const weeks = Math.round((options.months * 365.25) / 12 / 7);
  const endEpoch = Math.floor(options.end.getTime() / 1000);
  const startEpoch = endEpoch - weeks * 7 * DAY;
  const ts = (epochExpr: string) => `to_timestamp(${epochExpr})`;
  // Unit ids: 1 company, 2..E+1 enterprises, then cells, then teams.
  const cell0 = E + 2;
  const team0 = cell0 + C;

  const [existing] = await database.query<{ n: number }>(sql`select count(*)::int as n from units`);
  if (Number(existing?.n ?? 0) > 0)
    throw new Error('the database already has units: simulate needs an empty one');

  await step(
    'units',
    `insert into units (id, code, name, parent_id, path, depth)
     select 1, 'TKV', 'Tập đoàn Công nghiệp Than – Khoáng sản Việt Nam', null, '/1/', 0
     union all
     select id, 'DN' || lpad((id - 1)::text, 2, '0'), 'Công ty Than số ' || (id - 1), 1, '/1/' || id || '/', 1
       from generate_series(2, ${E + 1}) id
     union all
     select id, 'CB' || lpad((id - ${cell0 - 1})::text, 4, '0'), 'Chi bộ ' || (id - ${cell0 - 1}),
       2 + (id - ${cell0}) % ${E}, '/1/' || (2 + (id - ${cell0}) % ${E}) || '/' || id || '/', 2
       from generate_series(${cell0}, ${team0 - 1}) id
     union all
     select id, 'TO' || lpad((id - ${team0 - 1})::text, 4, '0'), 'Tổ sản xuất ' || (id - ${team0 - 1}),
       ${cell0} + (id - ${team0}) % ${C},
       '/1/' || (2 + ((id - ${team0}) % ${C}) % ${E}) || '/' || (${cell0} + (id - ${team0}) % ${C}) || '/' || id || '/', 3
       from generate_series(${team0}, ${U}) id`,
  );
  await step('units sequence', `select setval(pg_get_serial_sequence('units', 'id'), ${U})`);

  // Person p's unit: a team for 85 %, else a cell (by hash, so units differ in size).
  const unitOf = (p: string) =>
    T > 0
      ? `(case when ${rnd(seed, 1, p)} < 0.85 then ${team0} + (${p} * 7 + (${rnd(seed, 2, p)} * 3)::int) % ${T} else ${cell0} + ${p} % ${C} end)`
      : `(${cell0} + ${p} % ${C})`;
  await step(
    'people',
    `create temp table sim_people as
       select p as id, ${unitOf('p')} as unit_id from generate_series(1, ${P}) p;
     insert into people (id, display_name, scenario_key, locale)
       select id, 'Người lao động ' || id, 'sim-' || id, 'vi' from sim_people;
     select setval(pg_get_serial_sequence('people', 'id'), ${P});
     insert into identities (person_id, platform, external_id)
       select id, 'telegram', (700000000 + id)::text from sim_people`,
  );
  // Roles: 3 admins on the company; a leader per enterprise and cell; a collaborator per cell.
  // Leaders and collaborators are people of the unit's subtree (the first ones found there).
  await step(
    'roles',
    `insert into roles (person_id, unit_id, role, source)
       select id, 1, 'admin', 'scenario' from generate_series(1, 3) id
     union all
       select min(p.id), u.id, 'leader', 'scenario' from units u
         join units m on m.path like u.path || '%' join sim_people p on p.unit_id = m.id
         where u.depth in (1, 2) group by u.id
     union all
       select max(p.id), u.id, 'collaborator', 'scenario' from units u
         join units m on m.path like u.path || '%' join sim_people p on p.unit_id = m.id
         where u.depth = 2 group by u.id
     union all
       select id, unit_id, 'worker', 'seen' from sim_people`,
  );
  await step(
    'chats',
    `insert into chats (id, platform, external_id, title, unit_id, invite_token, bound_at)
       select u.id, 'telegram', (-1000000000000 - u.id)::text, 'Nhóm ' || u.name, u.id, 'sim' || u.id, ${ts(String(startEpoch))}
       from units u where u.depth > 0;
     select setval(pg_get_serial_sequence('chats', 'id'), ${U});
     insert into chat_members (chat_id, person_id) select unit_id, id from sim_people`,
  );
  await step('sandbox personas', sandboxPersonas(cell0, team0));

  // Pulses: a weekly morale pulse to the whole company; monthly ones on wages and on safety.
  const series = [
    { id: 1, key: 'tinh-than-tuan', question: 'Tuần qua, tinh thần làm việc của bạn thế nào?', every: 7 },
    { id: 2, key: 'tien-luong', question: 'Bạn có hài lòng với tiền lương, thu nhập tháng này?', every: 28 },
    {
      id: 3,
      key: 'an-toan',
      question: 'Bạn thấy điều kiện an toàn lao động nơi làm việc thế nào?',
      every: 28,
    },
  ];
  await step(
    'poll series',
    `insert into poll_series (id, key, question, kind, options, audience, dm, comments, cron, closes_after_minutes, min_answers, min_comments, active)
     values ${series
       .map(
         (s) =>
           `(${s.id}, '${s.key}', '${s.question}', 'scale', '["😞","🙁","😐","🙂","😄"]', '["TKV"]', false, false, '${s.every === 7 ? '0 8 * * 1' : '0 8 1 * *'}', 2880, 5, 10, true)`,
       )
       .join(', ')};
     select setval(pg_get_serial_sequence('poll_series', 'id'), 3)`,
  );
  const runs = series.flatMap((s) =>
    Array.from({ length: Math.floor((weeks * 7) / s.every) }, (_, i) => ({
      series: s,
      at: startEpoch + i * s.every * DAY + DAY + s.id * 3600,
    })),
  );
  await step(
    'polls',
    `insert into polls (id, question, kind, options, audience, dm, comments, min_answers, min_comments, status, series_id, occurrence, locale, audience_size, created_at, closes_at, closed_at)
     values ${runs
       .map(
         (r, i) =>
           `(${i + 1}, '${r.series.question}', 'scale', '["😞","🙁","😐","🙂","😄"]', '[1]', false, false, 5, 10, 'closed', ${r.series.id}, ${ts(String(r.at))}, 'vi', ${P}, ${ts(String(r.at))}, ${ts(String(r.at + 2 * DAY))}, ${ts(String(r.at + 2 * DAY))})`,
       )
       .join(', ')};
     select setval(pg_get_serial_sequence('polls', 'id'), ${runs.length})`,
  );
  await step(
    'poll cells',
    `insert into poll_units (poll_id, unit_id, members)
       select p.id, s.unit_id, s.n from polls p
       cross join (select unit_id, count(*)::int as n from sim_people group by unit_id) s`,
  );
  // Who answers: 35–75 % per unit; the value: the enterprise's mood, a seasonal dip, noise.
  const pollEpoch = 'extract(epoch from q.created_at)::bigint';
  const answers = `select q.id as poll_id, s.id as person_id, s.unit_id,
      least(5, greatest(1, round(
        3.4 + (${rnd(seed, 10, 'u.parent_e')} - 0.5) * 1.4
        - case when q.series_id = 2 then 0.4 else 0 end
        - case when ${rnd(seed, 11, 'u.parent_e', `${pollEpoch} / ${28 * DAY}`)} < 0.12 then 0.9 else 0 end
        + (${rnd(seed, 12, 's.id', 'q.id')} + ${rnd(seed, 13, 's.id', 'q.id')} + ${rnd(seed, 14, 's.id', 'q.id')} - 1.5) * 1.8
      )))::int as v
    from polls q cross join sim_people s
    join (select id, split_part(path, '/', 3)::int as parent_e from units) u on u.id = s.unit_id
    where ${rnd(seed, 15, 's.id', 'q.id')} < 0.35 + 0.4 * ${rnd(seed, 16, 's.unit_id')}`;
  await step(
    'answers',
    `create temp table sim_answers as ${answers};
     insert into poll_participation (poll_id, person_id) select poll_id, person_id from sim_answers;
     insert into poll_tallies (poll_id, unit_id, counts, accepting)
       select poll_id, unit_id, array[count(*) filter (where v = 1), count(*) filter (where v = 2),
         count(*) filter (where v = 3), count(*) filter (where v = 4), count(*) filter (where v = 5)]::int[], false
       from sim_answers group by poll_id, unit_id;
     drop table sim_answers`,
  );

  // Directives: two a month to every group; 3 % of posts fail; 30–85 % of members acknowledge.
  const directiveCount = Math.max(1, options.months * 2);
  await step(
    'directives',
    `insert into directives (id, key, title, body, audience, schedule_kind, at, ack, materialised_until, created_at, updated_at)
       select d, 'NV-' || d, 'Nhiệm vụ trọng tâm số ' || d, 'Các chi bộ quán triệt nhiệm vụ số ' || d || ' tới toàn thể đảng viên, người lao động.',
         '[]', 'at', ${ts(`${startEpoch} + (d - 1) * ${Math.floor((weeks * 7 * DAY) / directiveCount)} + 3600`)}, true,
         ${ts(`${startEpoch} + (d - 1) * ${Math.floor((weeks * 7 * DAY) / directiveCount)} + 3600`)}, ${ts(String(startEpoch))}, ${ts(String(startEpoch))}
       from generate_series(1, ${directiveCount}) d;
     select setval(pg_get_serial_sequence('directives', 'id'), ${directiveCount});
     insert into directive_occurrences (directive_id, occurrence, status, created_at)
       select id, at, 'due', at from directives;
     insert into directive_deliveries (directive_id, occurrence, chat_id, kind, status, attempts, next_attempt_at, sent_at, platform_message_id)
       select d.id, d.at, c.id, 'post', case when ${rnd(seed, 20, 'd.id', 'c.id')} < 0.03 then 'failed' else 'sent' end, 1, d.at, d.at, (d.id * 100000 + c.id)::text
       from directives d cross join chats c where c.platform = 'telegram';
     insert into directive_acks (directive_id, person_id, unit_id, chat_id, at)
       select dd.directive_id, m.person_id, dd.chat_id, dd.chat_id, dd.sent_at + interval '3 hours'
       from directive_deliveries dd join chat_members m on m.chat_id = dd.chat_id
       where dd.status = 'sent' and ${rnd(seed, 21, 'dd.directive_id', 'm.person_id')} < 0.3 + 0.55 * ${rnd(seed, 22, 'dd.chat_id')}`,
  );
  // Anonymous feedback: about one message a month per 25 people, on a handful of worries.
  const texts = [
    'Lương tháng này bị chậm, anh em lo lắng',
    'Bữa ăn ca chưa đảm bảo, đề nghị cải thiện',
    'Nhà tắm khu lò giếng thường hết nước nóng ca ba',
    'Đề nghị kiểm tra lại hệ thống thông gió lò chợ',
    'Nghe nói sắp cắt giảm lao động, mong lãnh đạo thông tin rõ',
    'Xe đưa đón công nhân hay đến muộn',
  ];
  await step(
    'feedback',
    `insert into feedback (unit_id, text, hour, relayed)
       select s.unit_id, (array[${texts.map((t) => `'${t}'`).join(', ')}])[1 + (${rnd(seed, 30, 's.id', 'n')} * ${texts.length})::int % ${texts.length}],
         date_trunc('hour', ${ts(`${startEpoch} + (${rnd(seed, 31, 's.id', 'n')} * ${weeks * 7 * DAY})::bigint`)}), true
       from sim_people s cross join generate_series(1, ${options.months}) n
       where ${rnd(seed, 32, 's.id', 'n')} < 0.04`,
  );
  await step('analyze', 'drop table sim_people;\n analyze');
}

/** Five people with sandbox identities (company admin, enterprise leader, cell leader, collaborator, worker) and sandbox groups for their units. */
function sandboxPersonas(cell0: number, team0: number): string {
  const cellOfTeam = cell0; // team0 belongs to the first cell
  return `insert into identities (person_id, platform, external_id)
      select 1, 'sandbox', 'sim-admin'
      union all select coalesce((select person_id from roles where unit_id = 2 and role = 'leader'), 2), 'sandbox', 'sim-leader'
      union all select coalesce((select person_id from roles where unit_id = ${cellOfTeam} and role = 'leader' limit 1), 3), 'sandbox', 'sim-cell'
      union all select coalesce((select person_id from roles where unit_id = ${cellOfTeam} and role = 'collaborator' limit 1), 4), 'sandbox', 'sim-ctv'
      union all select coalesce((select min(person_id) from roles where unit_id = ${team0} and role = 'worker'), 5), 'sandbox', 'sim-worker';
    insert into chats (platform, external_id, title, unit_id, invite_token, bound_at)
      select 'sandbox', 'sim-' || u.code, 'Nhóm ' || u.name, u.id, 'simsb' || u.id, now()
      from units u where u.id in (2, ${cellOfTeam}, ${team0});
    insert into chat_members (chat_id, person_id)
      select c.id, r.person_id from chats c join roles r on r.unit_id = c.unit_id and r.role = 'worker'
      where c.platform = 'sandbox'`;
}
