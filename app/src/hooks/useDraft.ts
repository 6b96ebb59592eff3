/**
 * A text field's draft kept in sessionStorage under `key`, so that what a person typed survives a reload and the
 * panel being redrawn (a wallet switch, a refetch), and is dropped with `clear()` once it has been used.
 */
import { useCallback, useState } from "react";

const PREFIX = "copurchase:draft:";

export function useDraft(key: string): [string, (value: string) => void, () => void] {
  const [value, setValue] = useState(() => sessionStorage.getItem(PREFIX + key) ?? "");
  const set = useCallback(
    (next: string) => {
      setValue(next);
      if (next) sessionStorage.setItem(PREFIX + key, next);
      else sessionStorage.removeItem(PREFIX + key);
    },
    [key],
  );
  const clear = useCallback(() => set(""), [set]);
  return [value, set, clear];
}
