// The SQS door driven by a second SDK in another language (aws-sdk-js v3), end to end against the real binary.
// Usage: node cross-sdk.cjs <endpoint> <keyId> <secret>. Prints one line per step; exits 1 on the first failure.
'use strict';
const assert = require('node:assert/strict');
const sqs = require('@aws-sdk/client-sqs');

const [endpoint, accessKeyId, secretAccessKey] = process.argv.slice(2);
const client = new sqs.SQSClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey },
  // The default since 3.507, stated so the test means it: requests go to each QueueUrl's host and path.
  useQueueUrlAsEndpoint: true,
  maxAttempts: 1,
});

const step = (name) => console.log(`ok ${name}`);

async function main() {
  const { QueueUrl: dead } = await client.send(new sqs.CreateQueueCommand({ QueueName: 'js-dead' }));
  const { QueueUrl: url } = await client.send(new sqs.CreateQueueCommand({
    QueueName: 'js-jobs',
    Attributes: {
      VisibilityTimeout: '30',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:js-dead', maxReceiveCount: 4 }),
    },
    tags: { team: 'payments' },
  }));
  assert.match(url, /\/000000000000\/js-jobs$/);
  assert.equal((await client.send(new sqs.GetQueueUrlCommand({ QueueName: 'js-jobs' }))).QueueUrl, url);
  step('create');

  // The SDK checks MD5OfMessageBody and MD5OfMessageAttributes itself and throws on a mismatch.
  const sent = await client.send(new sqs.SendMessageCommand({
    QueueUrl: url,
    MessageBody: 'grüße ✓ 𝄞',
    MessageAttributes: {
      kind: { DataType: 'String', StringValue: 'invoice' },
      amount: { DataType: 'Number', StringValue: '12.50' },
      raw: { DataType: 'Binary', BinaryValue: Uint8Array.from([0, 1, 254, 255]) },
    },
  }));
  assert.ok(sent.MessageId);
  step('send');

  const got = await client.send(new sqs.ReceiveMessageCommand({
    QueueUrl: url, MaxNumberOfMessages: 1, WaitTimeSeconds: 1,
    MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'],
  }));
  assert.equal(got.Messages.length, 1);
  const m = got.Messages[0];
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.Body, 'grüße ✓ 𝄞');
  assert.equal(m.MessageAttributes.amount.DataType, 'Number');
  assert.equal(m.MessageAttributes.amount.StringValue, '12.50');
  assert.deepEqual([...m.MessageAttributes.raw.BinaryValue], [0, 1, 254, 255]);
  assert.equal(m.Attributes.ApproximateReceiveCount, '1');
  assert.equal(m.Attributes.SenderId, accessKeyId);
  step('receive');

  await client.send(new sqs.ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  const again = await client.send(new sqs.ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
  assert.equal(again.Messages[0].Attributes.ApproximateReceiveCount, '2');
  assert.notEqual(again.Messages[0].ReceiptHandle, m.ReceiptHandle);
  await client.send(new sqs.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again.Messages[0].ReceiptHandle }));
  step('visibility and delete');

  const entries = Array.from({ length: 10 }, (_, i) => ({
    Id: `m${i}`, MessageBody: `batch ${i}`, MessageAttributes: { n: { DataType: 'Number', StringValue: String(i) } },
  }));
  const batch = await client.send(new sqs.SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
  assert.equal(batch.Successful.length, 10);
  assert.equal((batch.Failed ?? []).length, 0);
  const seen = new Set();
  for (let round = 0; round < 10 && seen.size < 10; round++) {
    const r = await client.send(new sqs.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['n'] }));
    const handles = (r.Messages ?? []).map((x, i) => { seen.add(x.Body); return { Id: `d${i}`, ReceiptHandle: x.ReceiptHandle }; });
    if (handles.length === 0) continue;
    const deleted = await client.send(new sqs.DeleteMessageBatchCommand({ QueueUrl: url, Entries: handles }));
    assert.equal(deleted.Successful.length, handles.length);
  }
  assert.equal(seen.size, 10);
  step('batches');

  const attributes = (await client.send(new sqs.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes;
  assert.equal(attributes.ApproximateNumberOfMessages, '0');
  assert.equal(attributes.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:js-jobs');
  assert.equal(JSON.parse(attributes.RedrivePolicy).maxReceiveCount, 4);
  const tags = (await client.send(new sqs.ListQueueTagsCommand({ QueueUrl: url }))).Tags;
  assert.deepEqual(tags, { team: 'payments' });
  const sources = (await client.send(new sqs.ListDeadLetterSourceQueuesCommand({ QueueUrl: dead }))).queueUrls;
  assert.deepEqual(sources, [url]);
  step('attributes');

  try {
    await client.send(new sqs.GetQueueUrlCommand({ QueueName: 'js-missing' }));
    assert.fail('GetQueueUrl of a missing queue succeeded');
  } catch (error) {
    assert.equal(error.name, 'QueueDoesNotExist');
  }
  step('errors');

  await client.send(new sqs.SendMessageCommand({ QueueUrl: url, MessageBody: 'left for the server to count' }));
  step('done');
}

main().catch((error) => {
  console.error(`failed: ${error.name}: ${error.message}`);
  process.exit(1);
});
