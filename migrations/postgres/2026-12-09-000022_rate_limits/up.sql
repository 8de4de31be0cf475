-- Rate-limit windows shared by every replica on one PostgreSQL database: a
-- sign-in limit of 10 a minute stays 10 a minute with three replicas behind a
-- load balancer. A key is the SHA-256 of what is limited (an address, an
-- account), never the address or the e-mail itself. Windows are swept once
-- they are two hours old. SQLite serves one process, which counts in memory;
-- the table exists there too so that both databases have one schema.
CREATE TABLE rate_limit_windows (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, key, window_start)
);
