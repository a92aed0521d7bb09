//! nemod's integration tests, one binary: the daemon as a real child process against an
//! in-process fake cloud (`support`), killed and restarted (`crash`), stopped with SIGTERM
//! (`shutdown`), quick edits killed mid-way (`edits`), fed malformed requests in-process
//! (`api`), killed while the service holds a submit's answer back (`lost_answer`), started
//! over unusable state (`state_files`), and with the offline editor, killed mid-render
//! (`offline`), and refusing a second writer of one output (`outputs`).

mod api;
mod crash;
mod edits;
mod lost_answer;
mod offline;
mod outputs;
mod shutdown;
mod state_files;
mod support;
