//! Reads of the synced tables: a list comes back from SQLite as one JSON array of rows
//! (`json_group_array`), decoded in one go, instead of row by row.

use sqlx::SqliteConnection;

use super::rows::Synced;
use crate::error::CoreError;

pub(crate) fn decode<T: Synced>(json: Option<String>) -> Result<Vec<T>, CoreError> {
    let Some(json) = json else {
        return Ok(Vec::new());
    };
    let cells: Vec<T::Cells> = serde_json::from_str(&json)
        .map_err(|e| CoreError::Storage(format!("{}: {e}", T::table().name)))?;
    cells.into_iter().map(T::from_cells).collect()
}

/// Every row of `T`'s table for one account, in the table's order.
pub(crate) async fn read_rows<T: Synced>(
    conn: &mut SqliteConnection,
    account_id: &str,
) -> Result<Vec<T>, CoreError> {
    read_where(conn, account_id, "true", T::table().order, &[]).await
}

/// The rows of `T`'s table for one account that meet `condition` (SQL over the table's
/// columns, with `?2`, `?3`, … bound to `binds`), in `order`.
pub(crate) async fn read_where<T: Synced>(
    conn: &mut SqliteConnection,
    account_id: &str,
    condition: &str,
    order: &str,
    binds: &[&str],
) -> Result<Vec<T>, CoreError> {
    let t = T::table();
    let sql = format!(
        "SELECT json_group_array(json_array({}) ORDER BY {order}) FROM {}
         WHERE account_id = ?1 AND ({condition})",
        t.columns.join(", "),
        t.name
    );
    let mut query = sqlx::query_scalar(&sql).bind(account_id);
    for bind in binds {
        query = query.bind(*bind);
    }
    let rows: Option<String> = query.fetch_one(&mut *conn).await?;
    decode(rows)
}
