import { Construct } from "constructs";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { StringResource } from "@cdktf/provider-random/lib/string-resource";

export interface NameSuffixProps {
  /**
   * A fixed suffix (4–12 lower-case letters or digits). When given, the random provider is not used at all, so
   * the stack initialises with only the AWS provider (what air-gapped pipelines and `terraform test` need).
   * @default - a `random_string` of 8 lower-case letters and digits, fixed at first apply
   */
  readonly explicit?: string;
}

/** The suffix that makes globally named resources (buckets) and per-account names unique. */
export class NameSuffix extends Construct {
  /** The suffix: a literal, or a Terraform reference to the random string's result. */
  readonly value: string;
  /** The random string, when no explicit suffix was configured. */
  readonly random?: StringResource;

  constructor(scope: Construct, id: string, props: NameSuffixProps = {}) {
    super(scope, id);
    if (props.explicit !== undefined) {
      if (!/^[a-z0-9]{4,12}$/.test(props.explicit)) {
        throw new Error(`suffix: "${props.explicit}" must be 4–12 lower-case letters or digits`);
      }
      this.value = props.explicit;
      return;
    }
    new RandomProvider(this, "random");
    // S3 bucket names allow only lower-case letters and digits here; no specials keeps every name valid.
    this.random = new StringResource(this, "Resource", { length: 8, lower: true, upper: false, numeric: true, special: false });
    this.value = this.random.result;
  }
}
