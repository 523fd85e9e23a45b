import { describe, expect, it } from "vitest";
import { forSelected } from "./guard";

describe("account guard", () => {
  it("shows data only while its account is the selected one", () => {
    const loaded = { accountId: "acc-100001", data: ["RE-1"] };
    expect(forSelected(loaded, "acc-100001")).toEqual(["RE-1"]);
    // Just switched: the old rows must not be shown while the new ones load.
    expect(forSelected(loaded, "acc-200002")).toBeNull();
    expect(forSelected(loaded, null)).toBeNull();
    expect(forSelected(null, "acc-100001")).toBeNull();
  });
});
