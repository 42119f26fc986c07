-- Something a page shows once after a POST (a new webhook signing secret): kept on the
-- session between the POST and the GET its redirect leads to, taken (and cleared) by that
-- GET, and worthless after a few minutes, so reloading the page neither shows it again nor
-- repeats the POST (issue 21).
ALTER TABLE web_session ADD COLUMN shown_once text;
ALTER TABLE web_session ADD COLUMN shown_once_until timestamptz;
