//! nemod's integration tests, one binary: the daemon as a real child process against an
//! in-process fake cloud (`support`), killed and restarted (`crash`), stopped with SIGTERM
//! (`shutdown`), and fed malformed requests in-process (`api`).

mod api;
mod crash;
mod shutdown;
mod support;
