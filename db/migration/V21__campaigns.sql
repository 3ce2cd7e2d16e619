-- Crowd review campaigns. A campaign opens a run's review work to contributors: people with an account who joined by
-- the campaign's link and are not members of the workspace. Their transactions carry no workspace of the campaign's,
-- only their user id (app.user_id), so the policies below show them their campaign, their own answers and the items
-- they were served, and nothing else: not the run, not the gold, not other contributors, not the consensus.
-- Serving, scoring and consensus run in the workspace's own context, as the workspace's tenant policies allow.

CREATE TABLE campaigns (
    id                   uuid PRIMARY KEY,
    workspace_id         uuid             NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    run_id               uuid             NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    title                text             NOT NULL,
    instructions         text             NOT NULL,
    reviews_per_item     integer          NOT NULL CHECK (reviews_per_item BETWEEN 1 AND 9),
    selection            text             NOT NULL CHECK (selection IN ('ALL', 'INCORRECT', 'SAMPLE')),
    sample_size          integer,
    gold_share           double precision NOT NULL CHECK (gold_share >= 0 AND gold_share <= 0.5),
    gold_min_answers     integer          NOT NULL CHECK (gold_min_answers >= 1),
    gold_threshold       double precision NOT NULL CHECK (gold_threshold >= 0 AND gold_threshold <= 1),
    decide_threshold     double precision NOT NULL CHECK (decide_threshold > 0.5 AND decide_threshold < 1),
    cap_per_contributor  integer CHECK (cap_per_contributor IS NULL OR cap_per_contributor > 0),
    answers_per_minute   integer          NOT NULL CHECK (answers_per_minute > 0),
    min_seconds_per_item double precision NOT NULL CHECK (min_seconds_per_item >= 0),
    ends_at              timestamptz,
    listed               boolean          NOT NULL DEFAULT false,
    join_token_hash      text             NOT NULL UNIQUE,
    status               text             NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
    prior                double precision NOT NULL DEFAULT 0.5,
    created_by           uuid REFERENCES app_users (id),
    created_at           timestamptz      NOT NULL,
    closed_at            timestamptz
);
CREATE INDEX campaigns_workspace_idx ON campaigns (workspace_id, created_at DESC);

-- What a contributor is shown of an item, copied when the campaign is made (the latest revision's teacher trace), so
-- a contributor never reads the run's own tables.
CREATE TABLE campaign_items (
    workspace_id     uuid    NOT NULL,
    campaign_id      uuid    NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    item_id          text    NOT NULL,
    position         integer NOT NULL,
    question         text    NOT NULL,
    reference_answer text    NOT NULL,
    teacher_output   text,
    student_output   text,
    student_answer   text,
    PRIMARY KEY (campaign_id, item_id)
);

-- The workspace's side of an item: gold, how many reviews it has or has leased out, and the consensus.
CREATE TABLE campaign_item_states (
    workspace_id    uuid             NOT NULL,
    campaign_id     uuid             NOT NULL,
    item_id         text             NOT NULL,
    position        integer          NOT NULL,
    base_revision   integer          NOT NULL,
    grader_verdict  boolean,
    gold            boolean          NOT NULL DEFAULT false,
    gold_verdict    boolean,
    gold_trace      text,
    taken           integer          NOT NULL DEFAULT 0,
    answers         integer          NOT NULL DEFAULT 0,
    state           text             NOT NULL DEFAULT 'OPEN' CHECK (state IN ('OPEN', 'FINAL', 'ADJUDICATION')),
    posterior       double precision,
    final_verdict   boolean,
    final_trace     text,
    reason          text,
    applied_revision integer,
    decided_at      timestamptz,
    PRIMARY KEY (campaign_id, item_id),
    FOREIGN KEY (campaign_id, item_id) REFERENCES campaign_items (campaign_id, item_id) ON DELETE CASCADE,
    CHECK (NOT gold OR gold_verdict IS NOT NULL)
);
-- "Next item" walks the open, non-gold items in order and stops at the first with room.
CREATE INDEX campaign_item_states_open_idx ON campaign_item_states (campaign_id, position)
    WHERE state = 'OPEN' AND NOT gold;
CREATE INDEX campaign_item_states_gold_idx ON campaign_item_states (campaign_id, position) WHERE gold;

CREATE TABLE campaign_contributors (
    workspace_id    uuid             NOT NULL,
    campaign_id     uuid             NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    user_id         uuid             NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
    display_name    text             NOT NULL,
    joined_at       timestamptz      NOT NULL,
    status          text             NOT NULL CHECK (status IN ('ACTIVE', 'PAUSED', 'REMOVED')),
    status_reason   text,
    answers         integer          NOT NULL DEFAULT 0,
    skips           integer          NOT NULL DEFAULT 0,
    seconds         double precision NOT NULL DEFAULT 0,
    suspicious      integer          NOT NULL DEFAULT 0,
    gold_answers    integer          NOT NULL DEFAULT 0,
    gold_correct    integer          NOT NULL DEFAULT 0,
    agreed          integer          NOT NULL DEFAULT 0,
    decided         integer          NOT NULL DEFAULT 0,
    -- Expected confusion counts of the reliability model (Dawid–Skene), kept between full fits.
    tp              double precision NOT NULL DEFAULT 0,
    fn              double precision NOT NULL DEFAULT 0,
    fp              double precision NOT NULL DEFAULT 0,
    tn              double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_contributors_user_idx ON campaign_contributors (user_id);

-- A served item is an answer row without an answer: the lease that keeps an item's reviews from being handed out
-- twice over. Nobody is served the same item twice.
CREATE TABLE campaign_answers (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id   uuid             NOT NULL,
    campaign_id    uuid             NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    item_id        text             NOT NULL,
    user_id        uuid             NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
    status         text             NOT NULL
        CHECK (status IN ('SERVED', 'ANSWERED', 'SKIPPED', 'SET_ASIDE', 'EXCLUDED')),
    served_at      timestamptz      NOT NULL,
    answered_at    timestamptz,
    verdict        boolean,
    corrected_trace text,
    comment        text,
    seconds        double precision,
    suspicious     boolean          NOT NULL DEFAULT false,
    scored         boolean          NOT NULL DEFAULT false,
    UNIQUE (campaign_id, item_id, user_id),
    FOREIGN KEY (campaign_id, item_id) REFERENCES campaign_items (campaign_id, item_id) ON DELETE CASCADE,
    CHECK (status <> 'ANSWERED' OR (verdict IS NOT NULL AND answered_at IS NOT NULL))
);
CREATE INDEX campaign_answers_user_idx ON campaign_answers (campaign_id, user_id, served_at DESC);
CREATE INDEX campaign_answers_served_idx ON campaign_answers (campaign_id, served_at) WHERE status = 'SERVED';
CREATE INDEX campaign_answers_unscored_idx ON campaign_answers (campaign_id) WHERE NOT scored AND status = 'ANSWERED';

-- Row-level security. The workspace sees all of its campaigns' rows; a contributor (by app.user_id) sees:
ALTER TABLE campaigns ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaigns FORCE ROW LEVEL SECURITY;
CREATE POLICY campaigns_tenant ON campaigns
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
-- ... the campaigns they contribute to, unless removed from them;
CREATE POLICY campaigns_contributor ON campaigns FOR SELECT
    USING (EXISTS (SELECT 1 FROM campaign_contributors c
                   WHERE c.campaign_id = campaigns.id AND c.user_id = app_user_id() AND c.status <> 'REMOVED'));
CREATE POLICY campaigns_lookup ON campaigns FOR SELECT USING (app_in_security_definer());

ALTER TABLE campaign_contributors ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaign_contributors FORCE ROW LEVEL SECURITY;
CREATE POLICY campaign_contributors_tenant ON campaign_contributors
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
-- ... their own contributor row (read only: pausing and removal are the workspace's);
CREATE POLICY campaign_contributors_self ON campaign_contributors FOR SELECT USING (user_id = app_user_id());
CREATE POLICY campaign_contributors_lookup ON campaign_contributors USING (app_in_security_definer())
    WITH CHECK (app_in_security_definer());

ALTER TABLE campaign_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaign_items FORCE ROW LEVEL SECURITY;
CREATE POLICY campaign_items_tenant ON campaign_items
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
-- ... only the items they were served;
CREATE POLICY campaign_items_served ON campaign_items FOR SELECT
    USING (EXISTS (SELECT 1 FROM campaign_answers a
                   WHERE a.campaign_id = campaign_items.campaign_id AND a.item_id = campaign_items.item_id
                     AND a.user_id = app_user_id()));

ALTER TABLE campaign_item_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaign_item_states FORCE ROW LEVEL SECURITY;
CREATE POLICY campaign_item_states_tenant ON campaign_item_states
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());

ALTER TABLE campaign_answers ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaign_answers FORCE ROW LEVEL SECURITY;
CREATE POLICY campaign_answers_tenant ON campaign_answers
    USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
-- ... and their own answers, which they may give (or skip) while the item is served to them and they are active.
CREATE POLICY campaign_answers_own ON campaign_answers FOR SELECT USING (user_id = app_user_id());
CREATE POLICY campaign_answers_answer ON campaign_answers FOR UPDATE
    USING (user_id = app_user_id() AND status = 'SERVED'
           AND EXISTS (SELECT 1 FROM campaign_contributors c
                       WHERE c.campaign_id = campaign_answers.campaign_id AND c.user_id = app_user_id()
                         AND c.status = 'ACTIVE'))
    WITH CHECK (user_id = app_user_id() AND status IN ('ANSWERED', 'SKIPPED') AND NOT scored);

-- Joining by link: the token's hash finds an open campaign in any workspace and adds the caller (app.user_id) as a
-- contributor; it answers only the campaign's id and what became of the caller.
CREATE FUNCTION campaign_join(p_token_hash text, p_display_name text, p_now timestamptz)
    RETURNS TABLE (campaign_id uuid, outcome text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    c campaigns%ROWTYPE;
    existing text;
BEGIN
    IF app_user_id() IS NULL THEN
        RAISE EXCEPTION 'no user';
    END IF;
    SELECT * INTO c FROM campaigns WHERE join_token_hash = p_token_hash;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT k.status INTO existing FROM campaign_contributors k WHERE k.campaign_id = c.id AND k.user_id = app_user_id();
    IF existing IS NOT NULL THEN
        RETURN QUERY SELECT c.id, CASE WHEN existing = 'REMOVED' THEN 'REMOVED' ELSE 'ALREADY' END;
        RETURN;
    END IF;
    IF c.status <> 'OPEN' OR (c.ends_at IS NOT NULL AND c.ends_at <= p_now) THEN
        RETURN QUERY SELECT c.id, 'CLOSED'::text;
        RETURN;
    END IF;
    INSERT INTO campaign_contributors (workspace_id, campaign_id, user_id, display_name, joined_at, status)
    VALUES (c.workspace_id, c.id, app_user_id(), p_display_name, p_now, 'ACTIVE');
    RETURN QUERY SELECT c.id, 'JOINED'::text;
END
$$;
REVOKE ALL ON FUNCTION campaign_join(text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campaign_join(text, text, timestamptz) TO ${appUser};

-- A listed campaign is open to anyone who finds it on the workspace's public page (/p/{workspace slug}): joined by
-- its id instead of a secret token, and only while listed.
CREATE FUNCTION campaign_join_listed(p_campaign uuid, p_display_name text, p_now timestamptz)
    RETURNS TABLE (campaign_id uuid, outcome text)
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT j.campaign_id, j.outcome
   FROM campaigns c, LATERAL campaign_join(c.join_token_hash, p_display_name, p_now) j
   WHERE c.id = p_campaign AND c.listed $$;
REVOKE ALL ON FUNCTION campaign_join_listed(uuid, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campaign_join_listed(uuid, text, timestamptz) TO ${appUser};

-- The workspace's public page: its listed campaigns that are open, and nothing else of it.
CREATE FUNCTION listed_campaigns(p_workspace_slug text, p_now timestamptz)
    RETURNS TABLE (campaign_id uuid, title text, instructions text, ends_at timestamptz, workspace_name text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT c.id, c.title, c.instructions, c.ends_at, w.name
   FROM campaigns c JOIN workspaces w ON w.id = c.workspace_id
   WHERE w.slug = p_workspace_slug AND c.listed AND c.status = 'OPEN' AND (c.ends_at IS NULL OR c.ends_at > p_now)
   ORDER BY c.created_at DESC $$;
REVOKE ALL ON FUNCTION listed_campaigns(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION listed_campaigns(text, timestamptz) TO ${appUser};

GRANT SELECT, INSERT, UPDATE ON campaigns, campaign_items, campaign_item_states, campaign_contributors TO ${appUser};
GRANT SELECT, INSERT, UPDATE, DELETE ON campaign_answers TO ${appUser};
