"""The reviewer's console (/console): the list of sessions, the session page where decisions are made, the
sign-in and error pages, and its script (console.js). Pages only: the routes are api/routes/console*.py."""
