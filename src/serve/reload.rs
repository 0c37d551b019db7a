//! The live-reload WebSocket: each open page hears "reload" after every
//! build, good or failed, and a ping now and then keeps it open.

use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use tokio::sync::watch;

use super::Shared;

/// Resolves once shutdown is asked for (holding no lock across awaits).
pub(super) async fn shut_down(rx: &mut watch::Receiver<bool>) {
    loop {
        let done = *rx.borrow_and_update();
        if done || rx.changed().await.is_err() {
            return;
        }
    }
}

#[derive(serde::Deserialize)]
pub(super) struct ReloadQuery {
    #[serde(default)]
    generation: Option<u64>,
}

pub(super) async fn livereload(
    ws: WebSocketUpgrade,
    Query(q): Query<ReloadQuery>,
    State(shared): State<Arc<Shared>>,
) -> Response {
    ws.on_upgrade(move |socket| reload_loop(socket, q.generation, shared))
}

async fn reload_loop(mut socket: WebSocket, seen: Option<u64>, shared: Arc<Shared>) {
    let mut rx = shared.reload.subscribe();
    let mut down = shared.shutdown.subscribe();
    // A build finished between serving the page and opening the socket.
    let current = *rx.borrow_and_update();
    if seen.is_some_and(|g| g != current)
        && socket.send(Message::Text("reload".into())).await.is_err()
    {
        return;
    }
    // A ping now and then keeps the idle timeout (limits::IDLE) from
    // closing a page that is simply open.
    let every = shared.idle / 2;
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            _ = ping.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
            changed = rx.changed() => {
                if changed.is_err() || socket.send(Message::Text("reload".into())).await.is_err() {
                    return;
                }
            }
            msg = socket.recv() => {
                if !matches!(msg, Some(Ok(_))) {
                    return;
                }
            }
            _ = shut_down(&mut down) => {
                let _ = socket.send(Message::Close(None)).await;
                return;
            }
        }
    }
}
