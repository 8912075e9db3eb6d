-- Who is behind an update (bot/features/org/actor.ts): the person, their roles and the group with its
-- unit, making a bound group's membership active when it is not. A PL/pgSQL function so the plan is
-- made once per connection: planned afresh on every update the statement cost three times as much.
-- Rows are returned whole (to_jsonb), so new columns of people, chats and units need no change here.
CREATE OR REPLACE FUNCTION pulse_known_actor(
  account_platform text,
  account_external_id text,
  chat_platform text,
  chat_external_id text,
  record_member boolean
) RETURNS TABLE (person jsonb, username text, roles jsonb, chat jsonb, unit jsonb, recorded bigint)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
  WITH a AS (
    SELECT p.*, i.username AS account_username
    FROM identities i JOIN people p ON p.id = i.person_id
    WHERE i.platform = account_platform AND i.external_id = account_external_id
    LIMIT 1
  ), g AS (
    SELECT to_jsonb(c) AS chat, to_jsonb(cu) AS unit, c.id, c.unit_id
    FROM chats c LEFT JOIN units cu ON cu.id = c.unit_id
    WHERE c.platform = chat_platform AND c.external_id = chat_external_id
    LIMIT 1
  ), m AS (
    INSERT INTO chat_members AS cm (chat_id, person_id, active)
    SELECT g.id, a.id, true FROM a, g
    WHERE record_member AND g.unit_id IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM chat_members x WHERE x.chat_id = g.id AND x.person_id = a.id AND x.active)
    ON CONFLICT (chat_id, person_id) DO UPDATE SET active = true
    RETURNING 1
  )
  SELECT to_jsonb(a), a.account_username,
    (SELECT coalesce(jsonb_agg(jsonb_build_object(
              'role', r.role, 'unitId', r.unit_id, 'unitCode', u.code, 'unitName', u.name,
              'unitPath', u.path, 'source', r.source)), '[]'::jsonb)
       FROM roles r LEFT JOIN units u ON u.id = r.unit_id WHERE r.person_id = a.id),
    g.chat, g.unit, (SELECT count(*) FROM m)
  FROM a LEFT JOIN g ON true;
END
$$;
