// Entities declare the foreign keys the migrations made, so the migration generator sees the
// schema as it is: the migrations' constraint names, NO ACTION on update and delete (the ORM's
// default would be ON UPDATE CASCADE, and SET NULL on delete for a nullable column).

/** A many-to-one property builder turned into the migrations' foreign key. */
export function foreignKey<B>(relation: B, name: string): B {
  const r = relation as {
    foreignKeyName(n: string): { updateRule(u: string): { deleteRule(d: string): unknown } };
  };
  return r.foreignKeyName(name).updateRule('no action').deleteRule('no action') as B;
}
