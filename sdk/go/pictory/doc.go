// Manage Pictory connections: AwsConnection, VimeoConnection.
package pictory
