import { describe, expect, it } from 'vitest';
import { checkTemplate, MAX_OUTPUTS, templateNeedsSpec } from '../../src/template/check-template.js';
import type { CheckTemplateOptions } from '../../src/template/check-template.js';
import { CHECKS } from '../../src/template/template-checks.js';
import { resourceSpec } from '../../src/spec/resource-spec.js';
import type { Problem } from '../../src/errors.js';
import { dedent, parseYaml } from '../helpers/template-fixtures.js';

const spec = resourceSpec();

function check(text: string, options: CheckTemplateOptions = {}) {
  return checkTemplate(parseYaml(text, 'templates/app.yaml'), { spec, ...options });
}

/** One problem, reduced to what a user reads: code, line:column, message, hint. */
function seen(problem: Problem | undefined) {
  return (
    problem && {
      code: problem.code,
      at: `${problem.location?.line}:${problem.location?.column}`,
      message: problem.message,
      hint: problem.hint,
    }
  );
}

describe('references to what the template does not declare (errors)', () => {
  it('SP1001: a Ref to an undeclared name, at the Ref, with did-you-mean', () => {
    const result = check(dedent`
      Parameters:
        Stage:
          Type: String
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
          Properties:
            BucketName: !Ref Stag
    `);
    expect(result.errors.map(seen)).toEqual([
      {
        code: 'SP1001',
        at: '8:24',
        message:
          'Ref Stag names nothing the template declares (no parameter, resource or pseudo parameter of that name)',
        hint: 'did you mean "Stage"?',
      },
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('SP1002: !GetAtt of a resource that does not exist, with did-you-mean', () => {
    const result = check(dedent`
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
      Outputs:
        BucketArn:
          Value: !GetAtt Bukcet.Arn
    `);
    expect(result.errors.map(seen)).toEqual([
      {
        code: 'SP1002',
        at: '6:20',
        message: 'Fn::GetAtt Bukcet.Arn names a resource the template does not declare',
        hint: 'did you mean "Bucket"?',
      },
    ]);
  });

  it('SP1002: Fn::GetAtt of a parameter says to use Ref', () => {
    const result = check(dedent`
      Parameters:
        Name:
          Type: String
      Resources:
        Topic:
          Type: AWS::SNS::Topic
          Properties:
            TopicName: { "Fn::GetAtt": [Name, Value] }
    `);
    expect(result.errors.map((p) => [p.code, p.message, p.hint])).toEqual([
      ['SP1002', 'Fn::GetAtt Name.Value names a parameter; Fn::GetAtt takes a resource', 'use !Ref Name'],
    ]);
  });

  it('SP1003: DependsOn a resource that does not exist, in the list, at its item', () => {
    const result = check(dedent`
      Resources:
        Queue:
          Type: AWS::SQS::Queue
        Topic:
          Type: AWS::SNS::Topic
          DependsOn:
            - Queue
            - Queu
    `);
    expect(result.errors.map(seen)).toEqual([
      {
        code: 'SP1003',
        at: '8:9',
        message: 'DependsOn names Queu, which is not a resource of this template',
        hint: 'did you mean "Queue"?',
      },
    ]);
  });

  it('SP1004: ${X} and ${X.Attr} in Fn::Sub; local variables, ${!Literal} and pseudo parameters are declared', () => {
    const result = check(dedent`
      Parameters:
        Stage:
          Type: String
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
        Topic:
          Type: AWS::SNS::Topic
          Properties:
            TopicName: !Sub '\${Stage}-\${AWS::Region}-\${!NotAVariable}-\${Local}-\${Stag}'
            DisplayName: !Sub
              - '\${Bucket.Arn}-\${Buckt.Arn}-\${Local}'
              - Local: x
    `);
    expect(result.errors.map((p) => [p.code, p.message, p.hint])).toEqual([
      [
        'SP1004',
        '${Local} in Fn::Sub names nothing the template declares (no parameter, resource or pseudo parameter of that name)',
        'declare it under Parameters or Resources, or fix the name',
      ],
      [
        'SP1004',
        '${Stag} in Fn::Sub names nothing the template declares (no parameter, resource or pseudo parameter of that name)',
        'did you mean "Stage"?',
      ],
      ['SP1004', '${Buckt.Arn} in Fn::Sub names a resource the template does not declare', 'did you mean "Bucket"?'],
    ]);
  });

  it('SP1005: a resource, an output and Fn::If naming an undeclared condition; Conditions read their own', () => {
    const result = check(dedent`
      Parameters:
        Stage:
          Type: String
      Conditions:
        IsProd: !Equals [!Ref Stage, prod]
        IsProdEu: !And [!Condition IsProd, !Condition IsEu]
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
          Condition: IsPrd
          Properties:
            BucketName: !If [IsProdd, a, b]
      Outputs:
        Name:
          Condition: IsProd
          Value: !Ref Bucket
    `);
    expect(result.errors.map((p) => [p.code, p.location?.line, p.message, p.hint])).toEqual([
      ['SP1005', 6, 'condition IsEu is not declared in Conditions', 'declare it under Conditions, or fix the name'],
      ['SP1005', 10, 'condition IsPrd is not declared in Conditions', 'did you mean "IsProd"?'],
      ['SP1005', 12, 'condition IsProdd is not declared in Conditions', 'did you mean "IsProd"?'],
    ]);
  });

  it('a policy document key named Condition is data, not the condition function', () => {
    const result = check(dedent`
      Resources:
        Role:
          Type: AWS::IAM::Role
          Properties:
            AssumeRolePolicyDocument:
              Statement:
                - Effect: Allow
                  Principal: { Service: lambda.amazonaws.com }
                  Action: sts:AssumeRole
                  Condition: { StringEquals: { "aws:SourceAccount": !Ref AWS::AccountId } }
    `);
    expect(result.errors).toEqual([]);
  });

  it('a resource named constructor is data: Ref constructor is undeclared unless declared', () => {
    const result = check(dedent`
      Resources:
        Topic:
          Type: AWS::SNS::Topic
          Properties:
            TopicName: !Ref constructor
    `);
    expect(result.errors.map((p) => p.code)).toEqual(['SP1001']);
  });
});

describe('attributes and resource cycles', () => {
  it('SP2001: an attribute the type does not have is a warning with did-you-mean', () => {
    const result = check(dedent`
      Resources:
        Table:
          Type: AWS::DynamoDB::Table
          Properties:
            KeySchema: [{ AttributeName: id, KeyType: HASH }]
            AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
            BillingMode: PAY_PER_REQUEST
        Child:
          Type: AWS::CloudFormation::Stack
          Properties:
            TemplateURL: https://example.com/child.yaml
      Outputs:
        Stream:
          Value: !GetAtt Table.StreamArnn
        Nested:
          Value: !GetAtt Child.Outputs.Anything
      Conditions: {}
    `);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map(seen)).toEqual([
      {
        code: 'SP2001',
        at: '14:20',
        message: 'AWS::DynamoDB::Table has no attribute StreamArnn (Fn::GetAtt Table.StreamArnn)',
        hint: 'did you mean "StreamArn"?',
      },
    ]);
  });

  it('SP1006: a cycle through Ref, GetAtt, Sub and DependsOn is one error naming the resources and the path', () => {
    const result = check(dedent`
      Resources:
        A:
          Type: AWS::SNS::Topic
          Properties:
            TopicName: !GetAtt B.QueueName
        B:
          Type: AWS::SQS::Queue
          Properties:
            QueueName: !Sub '\${C}-queue'
        C:
          Type: AWS::SQS::Queue
          DependsOn: A
        D:
          Type: AWS::SQS::Queue
          DependsOn: A
    `);
    expect(result.errors.map((p) => [p.code, p.message])).toEqual([
      [
        'SP1006',
        'circular dependency between resources: [A, B, C]: A → B (Fn::GetAtt, line 5), B → C (Fn::Sub, line 9), C → A (DependsOn, line 12)',
      ],
    ]);
  });

  it('references in Metadata are checked but make no cycle', () => {
    const result = check(dedent`
      Resources:
        A:
          Type: AWS::SQS::Queue
          Metadata:
            Peer: !Ref B
        B:
          Type: AWS::SQS::Queue
          Properties:
            QueueName: !GetAtt A.QueueName
    `);
    expect(result.errors).toEqual([]);
  });
});

describe('types and properties (warnings: the spec may be older than the service)', () => {
  it('SP2002: an unknown AWS type is a warning with did-you-mean; custom and registry types are notes', () => {
    const result = check(dedent`
      Resources:
        Bucket:
          Type: AWS::S3::Buckett
        Custom:
          Type: Custom::Seeder
          Properties:
            ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:seed
            Anything: [1, 2]
        Registry:
          Type: MyOrg::Monitoring::Dashboard
    `);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((p) => [p.code, p.location?.line, p.hint])).toEqual([
      ['SP2002', 3, 'did you mean "AWS::S3::Bucket"?'],
    ]);
    expect(result.notes.map((p) => [p.code, p.location?.line])).toEqual([
      ['SP0001', 4],
      ['SP0001', 9],
    ]);
  });

  it('SP2003: an unknown property, at the property, with did-you-mean; nested ones too', () => {
    const result = check(dedent`
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
          Properties:
            BucketNam: orders
            VersioningConfiguration:
              Statuss: Enabled
    `);
    expect(result.warnings.map(seen)).toEqual([
      {
        code: 'SP2003',
        at: '5:7',
        message: 'Bucket (AWS::S3::Bucket) has no property BucketNam in the resource specification',
        hint: 'did you mean "BucketName"?',
      },
      {
        code: 'SP2003',
        at: '7:9',
        message:
          'Bucket.VersioningConfiguration (AWS::S3::Bucket) has no property Statuss in the resource specification',
        hint: 'did you mean "Status"?',
      },
      {
        code: 'SP2004',
        at: '6:7',
        message: 'Bucket.VersioningConfiguration (AWS::S3::Bucket) is missing required property Status',
        hint: undefined,
      },
    ]);
  });

  it('SP2004: a missing required property, with and without Properties', () => {
    const result = check(dedent`
      Resources:
        Queue:
          Type: AWS::SQS::Queue
        Version:
          Type: AWS::Lambda::Version
        Alias:
          Type: AWS::Lambda::Alias
          Properties:
            Name: live
            FunctionName: f
    `);
    expect(result.warnings.map((p) => [p.code, p.location?.line, p.message])).toEqual([
      ['SP2004', 4, 'Version (AWS::Lambda::Version) has no Properties, and the spec requires FunctionName'],
      ['SP2004', 8, 'Alias (AWS::Lambda::Alias) is missing required property FunctionVersion'],
    ]);
  });

  it('SP2005: a list for a single value and a mapping for a list; intrinsics are always allowed', () => {
    const result = check(dedent`
      Parameters:
        Names:
          Type: CommaDelimitedList
      Resources:
        Topic:
          Type: AWS::SNS::Topic
          Properties:
            TopicName: [a, b]
            Subscription:
              Endpoint: x
            Tags: !If [Never, [], !Ref AWS::NoValue]
            DisplayName: !Join [',', !Ref Names]
      Conditions:
        Never: !Equals [a, b]
    `);
    expect(result.warnings.map(seen)).toEqual([
      {
        code: 'SP2005',
        at: '8:18',
        message: 'Topic.TopicName (AWS::SNS::Topic) is a list, but the spec expects a single value',
        hint: undefined,
      },
      {
        code: 'SP2005',
        at: '10:9',
        message: 'Topic.Subscription (AWS::SNS::Topic) is a mapping, but the spec expects a list',
        hint: undefined,
      },
    ]);
  });

  it('a local path in a packaged property (Code: ./src) is the packager’s, not a wrong shape', () => {
    const text = dedent`
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            Code: ./src
            Role: arn:aws:iam::123456789012:role/r
            Handler: index.handler
            Runtime: nodejs20.x
    `;
    expect(check(text).warnings.map((p) => p.code)).toEqual(['SP2005']);
    expect(
      check(text, { isPackagedLocally: (type, property) => type === 'AWS::Lambda::Function' && property === 'Code' })
        .warnings,
    ).toEqual([]);
  });
});

describe('output limits (errors)', () => {
  it('SP3001, SP3002, SP3003: too many outputs, too long an output name or export name', () => {
    const outputs = Array.from({ length: MAX_OUTPUTS + 1 }, (_, i) => `  O${i}:\n    Value: x\n`).join('');
    const long = 'N'.repeat(256);
    const result = check(
      `Resources:\n  Topic:\n    Type: AWS::SNS::Topic\nOutputs:\n${outputs}  ${long}:\n    Value: x\n    Export:\n      Name: ${'e'.repeat(256)}\n`,
    );
    expect(result.errors.map((p) => [p.code, p.location?.line])).toEqual([
      ['SP3001', 4],
      ['SP3002', 407],
      ['SP3003', 409],
    ]);
    expect(result.errors[0]?.message).toBe('the template declares 202 outputs; CloudFormation allows 200');
  });
});

describe('silencing a check', () => {
  const text = dedent`
    Resources:
      Bucket:
        Type: AWS::S3::Bucket
        Metadata:
          stackpilot:
            ignore: [SP2003]
        Properties:
          BucketNam: orders
      Other:
        Type: AWS::S3::Bucket
        Properties:
          BucketNam: orders
  `;

  it('per resource, with Metadata.stackpilot.ignore: only that resource', () => {
    expect(check(text).warnings.map((p) => [p.code, p.location?.line])).toEqual([['SP2003', 12]]);
  });

  it('per stack, with ignoreChecks: every resource', () => {
    expect(check(text, { ignore: ['SP2003'] }).warnings).toEqual([]);
  });

  it('an error too, when the user says so', () => {
    expect(
      check('Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Ref Nope\n', {
        ignore: ['SP1001'],
      }).errors,
    ).toEqual([]);
  });
});

describe('transforms', () => {
  it('SAM: implicit resources and referenceable properties count as declared; SAM types are not property-checked', () => {
    const result = check(dedent`
      Transform: AWS::Serverless-2016-10-31
      Resources:
        Orders:
          Type: AWS::Serverless::Function
          Properties:
            CodeUri: ./src
            Handler: index.handler
            Runtime: nodejs20.x
            AutoPublishAlias: live
            NotASamProperty: true
            Events:
              Api:
                Type: Api
                Properties: { Path: /orders, Method: get }
      Outputs:
        Url:
          Value: !Sub 'https://\${ServerlessRestApi}.execute-api.\${AWS::Region}.amazonaws.com/Prod'
        Arn:
          Value: !GetAtt Orders.Arn
        RoleArn:
          Value: !GetAtt OrdersRole.Arn
        Version:
          Value: !Ref Orders.Version
        Alias:
          Value: !Ref Orders.Alias
        Http:
          Value: !Ref ServerlessHttpApi
        Missing:
          Value: !Ref Order
    `);
    expect(result.errors.map((p) => [p.code, p.message])).toEqual([
      [
        'SP1001',
        'Ref Order names nothing the template declares (no parameter, resource or pseudo parameter of that name)',
      ],
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('a macro skips the checks it could invalidate, and says so', () => {
    const result = check(dedent`
      Transform: [AWS::Serverless-2016-10-31, OrgMacro]
      Resources:
        Topic:
          Type: AWS::SNS::Topic
          Properties:
            TopicName: !Ref MadeByTheMacro
            Unknown: 1
    `);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.notes.map((p) => [p.code, p.location?.line, p.message])).toEqual([
      [
        'SP0002',
        1,
        'reference, type and property checks skipped: the template uses the macro OrgMacro, which can add, rename or rewrite resources before CloudFormation reads them',
      ],
    ]);
  });

  it('Fn::ForEach (AWS::LanguageExtensions) is treated as transformed; the transform alone is not', () => {
    const forEach = check(dedent`
      Transform: AWS::LanguageExtensions
      Resources:
        Fn::ForEach::Topics:
          - Name
          - [A, B]
          - Topic\${Name}:
              Type: AWS::SNS::Topic
        Sub:
          Type: AWS::SNS::Subscription
          Properties:
            TopicArn: !Ref TopicA
            Protocol: email
    `);
    expect(forEach.errors).toEqual([]);
    expect(forEach.notes.map((p) => p.code)).toEqual(['SP0002']);
    const plain = check(dedent`
      Transform: AWS::LanguageExtensions
      Resources:
        Topic:
          Type: AWS::SNS::Topic
          Properties:
            TopicName: !Ref Nope
    `);
    expect(plain.errors.map((p) => p.code)).toEqual(['SP1001']);
  });
});

describe('when the spec is needed', () => {
  it('not for a template of custom resources only', () => {
    expect(templateNeedsSpec(parseYaml('Resources:\n  C:\n    Type: Custom::X\n'))).toBe(false);
    expect(templateNeedsSpec(parseYaml('Resources:\n  C:\n    Type: AWS::SNS::Topic\n'))).toBe(true);
  });

  it('without the spec, the reference checks still run', () => {
    const result = checkTemplate(
      parseYaml('Resources:\n  T:\n    Type: AWS::SNS::Topicc\n    Properties:\n      TopicName: !Ref X\n'),
    );
    expect(result.errors.map((p) => p.code)).toEqual(['SP1001']);
    expect(result.warnings).toEqual([]);
  });

  it('every code has a level and a summary (the README table is made from them)', () => {
    for (const [code, check] of Object.entries(CHECKS)) {
      expect(code).toMatch(/^SP\d{4}$/);
      expect(check.summary.length).toBeGreaterThan(10);
    }
  });
});
