/**
 * Pictory list paging (docs/api/pictory-vimeo.md#lists): `nextPageKey` tokens on both families. The
 * emulator runs with a page size of 3 so that a handful of connections spans several pages.
 */
import { describePictory, emulatorOnly, obj } from "./harness";
import { AWS, FAMILIES, VIMEO, createConnection, listAll } from "./pictory-fixtures";

describePictory(
  "Pictory list paging",
  (t, kind) => {
    const itEmulator = emulatorOnly(kind);

    describe.each(FAMILIES.map((f) => [f.label, f] as const))("%s", (_label, family) => {
      itEmulator(
        "answers {Items: []} without nextPageKey when there is nothing to list",
        async () => {
          t.emulator.reset();
          const response = await t.client.get(`/v1/${family.segment}`);
          expect(response.status).toBe(200);
          expect(response.json).toEqual({ Items: [] });
        },
      );

      it("walks all pages with nextPageKey and sees every connection exactly once", async () => {
        const ids: string[] = [];
        for (let i = 0; i < 7; i += 1) {
          ids.push(String((await createConnection(t, family, {}, `page${i}`)).connectionId));
        }
        const items = await listAll(t, family);
        const seen = items.map((item) => String(item.connectionId));
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toEqual(expect.arrayContaining(ids));
      });

      itEmulator(
        "pages are at most the page size and the token is base64 of a lastEvaluatedKey",
        async () => {
          const first = obj(await t.client.get(`/v1/${family.segment}`));
          expect((first.Items as unknown[]).length).toBe(3);
          const token = String(first.nextPageKey);
          const decoded = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as Record<
            string,
            unknown
          >;
          expect(decoded).toHaveProperty("lastEvaluatedKey");
          const second = obj(
            await t.client.get(`/v1/${family.segment}?nextPageKey=${encodeURIComponent(token)}`),
          );
          const firstIds = (first.Items as { connectionId: string }[]).map((i) => i.connectionId);
          const secondIds = (second.Items as { connectionId: string }[]).map((i) => i.connectionId);
          expect(secondIds.some((id) => firstIds.includes(id))).toBe(false);
        },
      );

      itEmulator("rejects a nextPageKey that is not a page token with 400", async () => {
        const bogus = Buffer.from("not json").toString("base64");
        const response = await t.client.get(`/v1/${family.segment}?nextPageKey=${bogus}`);
        expect(response.status).toBe(400);
        expect(obj(response).message).toBeDefined();
      });
    });
  },
  { pictoryPageSize: 3 },
);

/**
 * The AWS list page documents only `Items` ("empty array when none"), not `nextPageKey`
 * (docs/api/pictory-aws.md#list-without-nextpagekey), so a client must also work with a list that
 * never carries the key. With `pictoryListsWithoutPageKey` the emulator answers every item at once
 * and leaves the key out, even past the page size (3 here).
 */
describePictory(
  "Pictory lists without nextPageKey",
  (t, kind) => {
    const itEmulator = emulatorOnly(kind);

    describe.each(FAMILIES.map((f) => [f.label, f] as const))("%s", (_label, family) => {
      itEmulator("answers every connection in one page and never a nextPageKey", async () => {
        t.emulator.reset();
        const ids: string[] = [];
        for (let i = 0; i < 7; i += 1) {
          ids.push(String((await createConnection(t, family, {}, `one${i}`)).connectionId));
        }
        const response = await t.client.get(`/v1/${family.segment}`);
        expect(response.status).toBe(200);
        const body = obj(response);
        expect(Object.keys(body)).toEqual(["Items"]);
        const seen = (body.Items as { connectionId: string }[]).map((i) => i.connectionId);
        expect(seen.sort()).toEqual([...ids].sort());
        expect(await listAll(t, family)).toHaveLength(7);
      });

      itEmulator("still answers {Items: []} when there is nothing to list", async () => {
        t.emulator.reset();
        expect((await t.client.get(`/v1/${family.segment}`)).json).toEqual({ Items: [] });
      });
    });
  },
  { pictoryPageSize: 3, pictoryListsWithoutPageKey: ["aws", "vimeo"] },
);

describePictory(
  "Pictory list paging per family",
  (t, kind) => {
    emulatorOnly(kind)(
      "pages the Vimeo list while the AWS list comes whole (pictoryListsWithoutPageKey: [aws])",
      async () => {
        for (let i = 0; i < 4; i += 1) {
          await createConnection(t, AWS, {}, `mixed-aws${i}`);
          await createConnection(t, VIMEO, {}, `mixed-vimeo${i}`);
        }
        const aws = obj(await t.client.get(`/v1/${AWS.segment}`));
        expect(aws).not.toHaveProperty("nextPageKey");
        expect(aws.Items).toHaveLength(4);
        const vimeo = obj(await t.client.get(`/v1/${VIMEO.segment}`));
        expect(vimeo.Items).toHaveLength(3);
        expect(typeof vimeo.nextPageKey).toBe("string");
      },
    );
  },
  { pictoryPageSize: 3, pictoryListsWithoutPageKey: ["aws"] },
);
