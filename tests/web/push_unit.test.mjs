// Unit tests of the DOM-free push helpers the service worker and the settings share
// (web/app/push_payload.js), with node's built-in test runner (ctest web_unit_test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyBytes, notificationFor, pathFor } from '../../web/app/push_payload.js';

test('the VAPID key decodes from base64url to its 65 bytes', () => {
  const key = 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4';
  const bytes = keyBytes(key);
  assert.equal(bytes.length, 65);
  assert.equal(bytes[0], 4);
  assert.deepEqual(Buffer.from(bytes), Buffer.from(key, 'base64url'));
});

test('a message notification shows title and body, one per conversation, and opens it', () => {
  const { title, options } = notificationFor({ v: 1, kind: 'message', conversation_id: 42, seq: 7,
    count: 3, sender_id: 5, title: 'Alice', body: '3 new messages: see you' });
  assert.equal(title, 'Alice');
  assert.equal(options.body, '3 new messages: see you');
  assert.equal(options.tag, 'c42');
  assert.equal(options.data.path, '/chat/42');
});

test('a hidden preview, a friend request and a broken payload still show something sane', () => {
  assert.equal(notificationFor({ kind: 'message', conversation_id: 1, title: 'Parley', body: 'New message' }).title, 'Parley');
  assert.equal(pathFor({ kind: 'friend_request', sender_id: 9 }), '/friends');
  assert.equal(notificationFor({ kind: 'friend_request', sender_id: 9 }).options.tag, 'f9');
  const empty = notificationFor({});
  assert.equal(empty.title, 'Parley');
  assert.equal(empty.options.data.path, '/');
});
