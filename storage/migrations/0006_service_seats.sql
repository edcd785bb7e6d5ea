-- Telegram's service senders never hold a seat (issue 19): anonymous admins (GroupAnonymousBot
-- 1087968824), channels (Channel_Bot 136817688) and Telegram itself (777000) may have been given
-- one by /join before; those seats are retired (their history stays).
UPDATE members SET active = 0, username = NULL
WHERE user_id IN (1087968824, 136817688, 777000);
