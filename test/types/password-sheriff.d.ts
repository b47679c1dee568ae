/** The parts of Auth0's password-sheriff (plain JavaScript, no types) that the tests use. */
declare module 'password-sheriff' {
  interface Charset {
    explain(): { message: string; code: string };
    test(password: string): boolean;
  }
  interface RuleOptions {
    length?: { minLength: number };
    contains?: { expressions: Charset[] };
    containsAtLeast?: { atLeast: number; expressions: Charset[] };
    identicalChars?: { max: number };
  }
  interface Policy {
    check(password: string): boolean;
  }
  interface PasswordPolicyConstructor {
    new (rules: RuleOptions): Policy;
  }
  interface Sheriff {
    (policyName: string): Policy;
    PasswordPolicy: PasswordPolicyConstructor;
    charsets: {
      upperCase: Charset;
      lowerCase: Charset;
      numbers: Charset;
      specialCharacters: Charset;
    };
  }
  const sheriff: Sheriff;
  export default sheriff;
}
